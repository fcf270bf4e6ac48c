"""Similar-problem suggestions: jieba tokens, TF-IDF cosine (the review affinity's vectoriser), best first."""

import pytest

from minsheng.problems import services as problems
from minsheng.problems.models import Problem
from tests.problems.conftest import report


def test_rank_similar_is_cosine_best_first_and_drops_unrelated():
    query = ["老人", "忘记", "服药", "血压", "提醒"]
    candidates = [
        ["学校", "门口", "交通", "拥堵"],
        ["独居", "老人", "慢病", "用药", "提醒", "药盒"],
        ["老人", "忘记", "服药", "血压", "提醒", "药盒"],
    ]
    ranked = problems.rank_similar(query, candidates)
    assert [i for i, _score in ranked] == [2, 1]
    assert 0 < ranked[1][1] < ranked[0][1] <= 1.0
    assert problems.rank_similar(query, []) == [] and problems.rank_similar([], candidates) == []


def test_identical_texts_score_one():
    tokens = ["海滩", "垃圾", "清理"]
    assert problems.rank_similar(tokens, [tokens])[0][1] == pytest.approx(1.0, abs=1e-3)


@pytest.mark.django_db
def test_the_duplicate_report_comes_first_and_closed_problems_are_not_offered(officer):
    original = report(title="独居老人慢病用药无人提醒",
                      description="独居老人同时患有高血压和糖尿病，经常忘记吃药或重复吃药，希望有智能药盒提醒服务。")
    unrelated = report(title="学校周边上下学交通拥堵", description="上下学时段学校门口家长车辆乱停，交通严重拥堵。")
    rejected = report(title="老年人忘记吃药怎么办", description="老人忘记吃药，高血压控制不好，希望有提醒药盒。")
    problems.reject_problem(problem=rejected, by=officer, reason="重复")
    duplicate = report(title="老年人忘记服药导致血压控制差",
                       description="我父亲独居，有高血压，经常忘记按时吃药。能不能有智能提醒药盒？")
    suggestions = problems.similar_problems(duplicate)
    offered = [p for p, _score in suggestions]
    assert offered[0] == original
    assert rejected not in offered and duplicate not in offered
    assert unrelated not in offered or suggestions[offered.index(unrelated)][1] < suggestions[0][1]


@pytest.mark.django_db
def test_suggestions_stay_within_the_given_scope():
    a = report(title="海滩垃圾太多", description="大鹏海滩海漂垃圾多，人工清理跟不上。")
    b = report(title="海滩海漂垃圾清理难", description="海漂垃圾多，人工清理跟不上，希望有清理设备。")
    assert problems.similar_problems(b, queryset=Problem.objects.exclude(pk=a.pk)) == []
