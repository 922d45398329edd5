"""Is there a problem in this message at all? The report/chatter line, drawn on principle.

A report describes something wrong: it carries a *problem signal* — a word for damage, loss,
disorder, nuisance, pollution, danger or a violation ("坏了", "没了", "堵", "乱停", "冒黑烟",
"没有执照"). Talk about work (notices, meetings, sign-ins, statistics, praise for something
already fixed, instructions to grid workers, general "who handles this kind of thing?"
questions) stays chatter even when it names a problem — unless the message turns to a
current problem after a marker ("不过…", "另外…", "刚看到…", "居民反映…").
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Words that describe something wrong. Grouped by kind so the list can be reviewed; each
# alternative is a *state or act*, not an object, so "路灯的事谢谢大家" has none.
_PROBLEM_WORDS = (
    # damage, wear, breakage
    r"坏|破|损|裂|断|塌|陷|歪|翘|松了|松动|晃|摇|掉|脱落|碎|锈|瘪|鼓包|空鼓|变形|弯|磨没|"
    r"看不清|不亮|不灵|失灵|不转|不通|不出水|没水|停电|停水|黑乎乎|黑了|一闪|闪|故障|"
    r"困人|卡住|倒了|倒在|倒地|被撞|撞|压到|压坏|露出|露在|开着|移位|高出|颠|写错|蛀|垂|碰到|进不去|出不来|亮着|浪费|全是|不知道是谁|都说不是|没人认|进(?:电梯|楼道)|全黑|黑灯|不来|有问题|出问题|不能用|用不了|到处(?:是|都是)|满天|满地|满街|遍地|灰|"
    # loss, absence
    r"(?<!完)没了|没有了|丢了|被偷|偷|缺|不见|少了|没收|没人应|没见人|没出门|"
    # water, smell, dirt, pollution
    r"漏|渗|滴水|冒|溢|满了|爆满|堵|积水|淹|进水|臭|味(?!道不错|道很好|道好)|脏|污|油烟|黑烟|黄烟|浑|发黄|沉淀|"
    r"漂(?!亮)|死鱼|死猫|死狗|死鸡|死鸭|死猪|病死|死了好几|尸体|生虫|蚊子|苍蝇|老鼠|蟑螂|粉尘|扬尘|灰大|尘土|泥浆|一地|"
    # disorder, occupation, dumping, building, posting
    r"乱|占|摆|堆|扔|丢|倒(?:了|在|进|入|垃圾|污水|水)|烧|焚|着火|起火|火情|吵|噪|响|扰民|"
    r"搭|盖了|加盖|建了|起了|违|私|擅自|偷排|直排|排到|排进|排的|种菜|种了|砍|挖|贴(?:了|满|着|在)|小广告|刷了|涂|喷了|晒(?:了|着|在|满)|挂(?:了|着|在|满)|晾|"
    r"停满|停在|停着|停了|没分|混在|混着|并排停|双闪|拥堵|堵死|拉客|拦|占用|圈了|"
    r"声音.{0,3}大|大声|招揽|喇叭|叫卖|喊|唱|跳舞|广场舞|音乐|(?<![外买])卖|充电(?!宝|桩)|插线板|群租|施工|打桩|装修|钻|滚到|跑|"
    # legality, fraud, money, people at risk
    r"(?:没|无|未)(?:有|看到|见|办)?.{0,3}(?:证|照|资质|许可|审批|检疫|手续)|没挂牌|假|过期|变质|三无|不准|"
    r"铲|囤|讨钱|要钱|退钱|乱收费|跪|转来转去|改成|短斤|缺两|拖欠|欠|讨薪|打架|打起来|吵架|纠纷|矛盾|动手|闹事|围堵|危险|隐患|险|"
    r"摔|伤|流浪|乞讨|可疑|转悠|拉车门|鬼鬼祟祟|撬|未成年|野泳|溺水|走失|"
    r"投诉|举报|反映|求助|没人管|不管|"
    # crowding, animals, plants
    r"检疫|宰杀|狗|犬|病虫|枯|遮挡|挡住|影响|工资|处方|网吧|盗版|卫生太差|不卫生|"
    # acts done to things: smashing, prying, cutting, stripping, slaughtering
    r"砸|撬|拆(?!迁)|锯|剥|割|刮倒|扒|踩|(?<!灿)烂|霉|朽|快死|(?<![冷热笑累饿困气烦忙])死了|杀(?!毒)|"
    # a passive says something happened to an object ("被人砸了", "被车挂断了")
    r"被(?![子褥套单窝评选表])[^，。,\s]{1,4}?了|"
    # cannot work, cannot be reached, will not act
    r"(?:联系|关|合|锁|盖|打|拧|冲|修|进|出|叫|找|抬|升|降|转|推|拉|刷|按|启动|排|流)"
    r"不(?:上|了|开|动|住|到|掉|进去|出来|起来|下来|下去)|失联|没反应|没动静|不工作|罢工|"
    r"不(?:干活|作为|打扫|清理|处理|修|给|让|退|还|理)|没人(?:修|扫|清|收|理|看|住)|没(?:亮|开|来|通)|"
    # absent where it should be ("没有站牌"), spilt, droppings, illegal fishing
    r"没有?[^，。,\s]{0,3}(?:牌|灯|桶|盖|栏|箱|标线|厕所)|洒|(?<!播)撒|屎|粪|尿(?!素)|捕鱼|电鱼|炸鱼|毒鱼|"
    # standing in the way
    r"(?:立|横|杵|竖)(?:在|着)|"
    # danger, fear, near misses
    r"担心|害怕|吓人|差点|险些|万一|辐射|"
    # not what it claims to be, without permission
    r"不是(?:医生|正规|合法)|黑(?:诊所|作坊|车|网吧|加油)|非法|无证|违规|偷偷|"
    r"隔(?:成|了|出)|住了.{0,4}人"
)
PROBLEM_RE = re.compile(_PROBLEM_WORDS)

# Talk about work, not a problem at a place.
_WORK_TALK_RE = re.compile(
    r"开会|会议|例会|通知(?!一下)|培训(?!班|机构)|学习|签到|打卡|值班|排班|请.{0,3}假|调休|补贴|天气|考核|考试|成绩|台账|表格|"
    r"演练|【转发?】|转发|【通报】|通报|纪要|汇报|督导|督查|检查组|抽查|宣传(?!栏)|倡议|活动|接龙|"
    r"志愿|招募|报名|比赛|晚会|演出|资料|简报|附件|群文件|链接|文章|海报|推文|知识|无异常|没有?发现|未发现|集合|"
    r"一切正常|正常$|办结率|占比|共(?:上报|处置|办结)|\d+[起件]"
)
# Praise for, or news of, something already dealt with.
_DONE_RE = re.compile(
    r"(?<!不)亮了|拖走了|少多了|处理得|修得|修好|很快|真快|真及时|已经有人报|报过了|"
    r"已经好了|已经打|打过|点赞|表扬|辛苦|谢谢|感谢|满意|解决了|"
    r"已经(?:没了|走了|不在|清|修|撤|拆|处理|恢复)|放心|没事了|不大|不严重|劝离了|干净多了|一共"
)
# Instructions to grid workers: what to look for, not what was found.
_INSTRUCTION_RE = re.compile(
    r"大家(?:巡查|走访)时|大家多|多去看|多关注|多留意|以后发现|如果发现|发现(?:了)?(?:就|直接)?拍照|"
    r"重点(?:看|查|检查)|注意看|有没有落实|不要上当|冒充|提醒居民|告知居民|做好|"
    # reminders to everyone: each one's grid, safety on the road, the weather
    r"(?:要|得|记得)去看看|各自|各网格|迎检|(?:再|都)(?:看|查|巡)一遍|注意安全|(?:骑车|开车|走路)(?:要)?慢|慢点|慢一点|"
    r"多穿|带伞|注意保暖|注意防暑|注意防范"
)
# The worker's own day: phone, computer, commute, being late or away.
_PERSONAL_RE = re.compile(
    r"我(?:的)?(?:手机|电脑|车|电动车|电瓶车)|我(?:刚|先|晚点|迟点|今天)?(?:到|回|走)(?:单位|家|岗)|"
    r"(?:晚点|迟点|稍后)(?:到|来|回)|到岗|迟到|回得慢|回复慢|路上堵车|请.{0,3}假|"
    r"堵了.{0,3}(?:分钟|小时|半天)|办公室(?:的|里)?(?:空调|电脑|打印机|灯|网)"
)
# A general question about a kind of problem, not about one at a place.
_GENERIC_QUESTION_RE = re.compile(
    r"是哪个单位|这种|这类|一般|怎么区分|区别|是.{0,8}管还是|咨询|找.{0,6}还是找|归哪个部门|哪个部门管|谁管的|"
    # asking after an earlier case, not telling a new one
    r"(?:处理|办理)?结果(?:出来|怎么样)|怎么样了|进展如何|有进展吗"
)
# Markers after which a current problem is told, whatever came before.
_TURN_RE = re.compile(
    r"另外|还有|不过|但是|可是|顺便|对了|有个事|有个情况|一件事|一事|坏消息|结果|这次|又(?=[有来在被把开摆没坏堵占倒])|"
    r"(?<!以后)(?<!如果)(?<!没)(?<!没有)(?<!未)(?:看到|发现(?!了?(?:就|直接)?拍照)|碰到|遇到)|"
    r"居民(?:反映|说|投诉|打电话|来电)|接到.{0,4}(?:电话|反映|投诉)|12345|转来|转个"
)


# Where: a named place, a part of a building, a premises. A bare problem word with no place
# and no list term ("影响不大", "摊子已经没了") is talk about a problem, not a report of one.
PLACE_RE = re.compile(
    r"门口|门前|旁边|边上|对面|附近|这边|那边|楼下|楼上|隔壁|楼道|\d+[号幢栋楼]|路|街|巷|弄|村|桥|"
    r"河|江|湖|小区|新村|苑|广场|公园|菜场|市场|学校|小学|中学|幼儿园|医院|商场|超市|店|铺|厂|"
    r"工地|车站|站台|路口|社区|地下|车库|绿化|花坛|空地|区|单元|楼梯|山|林|站|室|诊所|物业|家里|屋|房|"
    r"树|自来水|墙|窗|门|地上|车棚|电梯|厕所|"
    # premises and the things that stand in public space: a thing that is wrong is a report
    # even when no place is named ("信报箱被人砸了", "网吧里有学生")
    r"网吧|酒吧|馆|厅|院|所|场|库|亭|箱|杆|柱|管|线|灯|牌|盖|栏|桶|椅|凳|井|坑|洞|沟|渠|塘|坝|堤|田|棚"
)

Signal = Callable[[str], str | None]
_SENTENCE_RE = re.compile(r"[。！!？?；;\n]+")


# A state word right after a negation is the opposite of a problem ("没坏", "也没有积水",
# "不堵了"); the words run on ("没破损": 破 negated, so 损 too).
_NEGATION_RE = re.compile(r"(?:没有?|不|无|未|别|并非)$")


def problem_word(body: str) -> str | None:
    """The first word that says something is wrong and is not negated, or None."""
    negated_until = -1
    for match in PROBLEM_RE.finditer(body):
        start = match.start()
        if start == negated_until or _NEGATION_RE.search(body, max(0, start - 2), start):
            negated_until = match.end()
            continue
        return match.group(0)
    return None


def talk_only(body: str, signal: Signal = problem_word) -> str | None:
    """Why a message is talk rather than a report (None: it reports a problem).

    ``body`` is folded text (mentions and media placeholders already removed); ``signal``
    finds a problem in a piece of it (problem words, list terms, colloquial problem cues).
    A sentence of thanks or a notice does not silence the next sentence's problem.
    """
    turn = _TURN_RE.search(body)
    rest = body[turn.end() :] if turn is not None else ""
    if rest and signal(rest) and _frame(rest) is None:
        return None  # "谢谢！不过…又摆了", "开会路上看到…漏了一路泥"
    reason = "无问题描述"
    for sentence in _SENTENCE_RE.split(body):
        if not signal(sentence):
            continue
        frame = _frame(sentence)
        if frame is None:
            return None
        reason = frame
    return reason


def _frame(sentence: str) -> str | None:
    for rx in (_WORK_TALK_RE, _DONE_RE, _INSTRUCTION_RE, _GENERIC_QUESTION_RE, _PERSONAL_RE):
        match = rx.search(sentence)
        if match:
            return match.group(0)
    return None
