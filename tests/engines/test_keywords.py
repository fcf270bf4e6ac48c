"""Keywords split one way everywhere: every separator people type, spaces kept inside a keyword, each once."""

from hypothesis import given
from hypothesis import strategies as st

from minsheng.engines.keywords import join_keywords, split_keywords


def test_every_separator_people_type_splits():
    assert split_keywords("慢病；社区，远程、随访;监测,预警\n康复\r\n照护") == [
        "慢病", "社区", "远程", "随访", "监测", "预警", "康复", "照护"]


def test_spaces_stay_inside_a_keyword_and_repeats_count_once():
    assert split_keywords(" machine learning ， Machine Learning；智慧 养老 ") == ["machine learning", "智慧 养老"]
    assert split_keywords("") == [] and split_keywords(None) == [] and split_keywords("；，、") == []


@given(st.text(alphabet=st.sampled_from(list("慢病社区 ab,，;；、\n")), max_size=40))
def test_what_is_saved_splits_into_what_was_counted(text):
    joined = join_keywords(text)
    assert split_keywords(joined) == split_keywords(text)
    assert join_keywords(joined) == joined
