"""ntm.lib.text.fold: the one normalisation of the searches and their search columns."""

import unicodedata

from ntm.lib.text import fold


def test_it_drops_diacritics_and_case_including_d_with_stroke():
    assert fold("Chi Lăng") == "chi lang"
    assert fold("Xã HOÀNG ĐỒNG") == "xa hoang dong"
    assert fold("Bê tông hóa đường trục thôn") == "be tong hoa duong truc thon"


def test_it_reads_decomposed_unicode_as_composed():
    decomposed = unicodedata.normalize("NFD", "Ngưỡng Ất Ốc Ử")
    assert decomposed != "Ngưỡng Ất Ốc Ử"
    assert fold(decomposed) == fold("Ngưỡng Ất Ốc Ử") == "nguong at oc u"


def test_it_collapses_spaces():
    assert fold("  chi \n lăng ") == "chi lang"


def test_punctuation_separates_words():
    assert fold("2165/QĐ-UBND (cũ)") == "2165 qd ubnd cu"
