"""Colloquial words grid workers type, mapped to the standard words lists are written in.

A hit appends the standard word to the text the ranking reads (the original stays), and
the colloquial word becomes evidence. The map is about the language, not one list: any
city list that names its items in the national vocabulary benefits.
"""

from __future__ import annotations

import re

# standard word ← colloquial patterns
COLLOQUIAL: tuple[tuple[str, str], ...] = (
    ("井盖", r"盖子|盖板|井口|井圈"),
    ("噪声", r"吵|噪|轰轰|嗡嗡|响得厉害|声音很大|很响|太响|睡不着"),
    ("施工噪声", r"工地.{0,8}(?:夜里|半夜|凌晨|晚上|轰|吵|响)|(?:夜里|半夜|凌晨|晚上).{0,8}(?:浇|打桩|施工)"),
    ("设备噪音", r"空压机|压缩机|冷却塔|风机|外机|水泵|发电机|冷库"),
    ("喇叭招揽", r"喇叭|扩音器|音响.{0,6}(?:广告|招揽|喊)|放广告"),
    ("邻里生活噪声", r"(?:楼上|隔壁|邻居|半夜|深夜).{0,10}(?:吵|唱|叫|闹|蹦|跺)|狗.{0,4}叫|卡拉ok|唱歌|鞭炮.{0,10}吵"),
    ("装修噪声", r"装修|电钻|砸墙|敲墙"),
    ("道路破损", r"大坑|坑坑洼洼|路面.{0,4}(?:坏|破|裂|坑)|砖松|地砖|路面不平"),
    ("路面塌陷", r"(?:路|地面).{0,6}(?:塌|陷)|塌了.{0,3}坑"),
    ("店外经营", r"(?:店|铺|超市|小卖部|门面).{0,10}(?:门口|外面|人行道).{0,8}(?:摆|放|堆|撑|冰柜|桌)|摆货|冰柜|撑.{0,3}伞|外摆"),
    ("无照经营游商", r"推车|三轮车?.{0,4}卖|小货车.{0,8}卖|面包车.{0,10}卖|流动|一来就跑|到处卖|走鬼"),
    ("占道经营", r"摆摊|地摊|摆到路|摆在路|卖菜的|菜篮子|摆在盲道|摆在人行道"),
    ("暴露垃圾", r"(?:扔|丢|倒)了?.{0,4}(?:垃圾|拉圾)|垃圾.{0,4}(?:扔|丢)|几袋"),
    ("积存垃圾渣土", r"(?:堆|一堆|好几天|礼拜|很久|小山).{0,8}(?:垃圾|渣土)|渣土|建筑垃圾|装修垃圾"),
    ("垃圾满溢", r"(?:桶|箱).{0,6}(?:满|溢|爆满|盖不上)"),
    ("违法建设", r"搭了|加盖|加层|彩钢棚|阳光房|玻璃房|违建|起了.{0,3}层|雨棚|没批.{0,4}(?:建|盖|起)"),
    ("飞线充电", r"(?:拉|吊|接|拖).{0,6}(?:电线|线).{0,8}充电|插线板"),
    ("机动车乱停放", r"(?:车|面包车|轿车|货车).{0,8}(?:停在|乱停|停了|停满)|斑马线上"),
    ("非机动车乱停放", r"电动车.{0,6}(?:停满|乱停|停得)|自行车.{0,4}乱"),
    ("树木倒伏", r"树.{0,6}(?:倒|歪|断)|刮倒"),
    ("火情", r"着火|起火|冒烟|烧荒|火有点大|火很大"),
    ("燃气泄漏", r"漏气|煤气味|天然气味|燃气味|气表.{0,6}走"),
    ("瓶装燃气", r"液化气罐|煤气罐|液化气瓶|气瓶"),
    ("工业废气", r"烟囱|冒黄烟|冒黑烟|刺鼻|化工味"),
    ("河道漂浮物", r"河(?:道|面|里|中).{0,6}(?:垃圾|漂|死鱼|水葫芦)|死鱼"),
    ("乞讨", r"乞讨|要饭|流浪汉"),
    ("欠薪", r"工资|欠薪|讨薪"),
    ("校外培训", r"培训班|托管班|补习|辅导班|培训机构"),
    ("文物保护", r"文保|文物|古建筑"),
    ("非法行医", r"打点滴|行医|黑诊所|游医"),
    ("动物检疫", r"检疫|病死|死猪|死鸡|鸡死了"),
    ("乱涂乱画", r"喷了.{0,6}字|涂鸦|乱写乱画"),
    ("危房", r"墙要倒|房子.{0,4}(?:倒|裂|歪)|危房"),
    ("交通标线", r"斑马线.{0,4}(?:磨|没了|看不清)|标线"),
    ("乱堆物堆料", r"堆了.{0,6}(?:砖|沙|木头|东西|杂物)|纸箱|堆放"),
    ("可疑人员", r"鬼鬼祟祟|可疑|拉车门|撬"),
    ("打架斗殴", r"打起来|打架|流血|斗殴"),
)
_COMPILED = [(standard, re.compile(pattern)) for standard, pattern in COLLOQUIAL]


def expand(body: str) -> tuple[str, dict[str, str]]:
    """The body with standard words appended, and which colloquial word brought each one."""
    added: dict[str, str] = {}
    for standard, pattern in _COMPILED:
        match = pattern.search(body)
        if match and standard not in body:
            added[standard] = match.group(0)
    if not added:
        return body, added
    return body + "|" + "|".join(added), added
