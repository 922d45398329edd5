from dispatcher.privacy import mask_phones


def test_mobile_numbers_keep_only_head_and_tail() -> None:
    assert mask_phones("联系人13812345678张阿姨") == "联系人138****5678张阿姨"


def test_landline_numbers_are_masked() -> None:
    assert mask_phones("电话0574-62345678") == "电话0574-****5678"


def test_longer_digit_runs_are_not_phone_numbers() -> None:
    assert mask_phones("工单号20261121138123456789") == "工单号20261121138123456789"


def test_text_without_numbers_is_unchanged() -> None:
    assert mask_phones("3幢楼下井盖没了") == "3幢楼下井盖没了"
