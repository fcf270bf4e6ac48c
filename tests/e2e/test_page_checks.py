"""The every-page checks proven on tiny pages, without a browser: each finds what it is for and passes what is right."""

from tests.e2e import page_checks as checks


def page(body: str, lang: str = "zh-hans") -> checks.Page:
    return checks.parse(f"<!doctype html><html lang=\"{lang}\"><head><title>t</title></head><body>{body}</body></html>")


def test_nested_forms_are_a_parse_error():
    found = checks.html_errors(page("<form><form><input name=a></form></form>"))
    assert any("unexpected-start-tag <form>" in f for f in found)
    assert not checks.html_errors(page("<form><input name=a aria-label=a></form><form></form>"))


def test_a_table_left_open_or_with_stray_content_is_a_parse_error():
    assert any("eof-in-table" in f for f in checks.html_errors(page("<table><tr><td>1</td></tr>")))
    assert any("table-voodoo" in f for f in checks.html_errors(page("<table><tr><td>1</td></tr><div>x</div></table>")))
    assert not checks.html_errors(page("<table><tbody><tr><td>1</td></tr></tbody></table>"))


def test_a_bare_ampersand_in_a_link_or_text_is_a_parse_error():
    assert any("expected-named-entity" in f for f in checks.html_errors(page('<a href="?state=&call=&page=2">x</a>')))
    assert any("expected-named-entity" in f for f in checks.html_errors(page("<p>S&T</p>")))
    assert not checks.html_errors(page('<a href="?state=&amp;page=2">x</a><p>S&amp;T</p>'))


def test_duplicate_ids():
    assert checks.duplicate_ids(page('<input id="id_note"><textarea id="id_note"></textarea>')) == [
        "id 'id_note' used 2 times"]
    assert not checks.duplicate_ids(page('<p id="a"></p><p id="b"></p>'))


def test_controls_need_a_label_of_some_kind():
    found = checks.unlabelled_controls(page(
        '<input name="criteria-0-weight" type="number"><select name="s"></select><textarea name="t"></textarea>'))
    assert len(found) == 3 and "criteria-0-weight" in found[0]
    assert not checks.unlabelled_controls(page(
        '<label for="a">A</label><input id="a" name="a">'
        '<label>B <input name="b"></label>'
        '<input name="c" aria-label="C"><span id="dl">D</span><select name="d" aria-labelledby="dl"></select>'
        '<textarea name="e" title="E"></textarea>'
        '<input type="hidden" name="h"><input type="submit" value="Go"><button>Go</button>'))


def test_field_names_and_codes_in_the_text_are_found_but_not_data_or_code():
    found = checks.raw_identifiers(page("<dl><dt>变更</dt><dd>allow_partial_funding, co_owners</dd></dl>"))
    assert [f.split("'")[1] for f in found] == ["allow_partial_funding", "co_owners"]
    assert not checks.raw_identifiers(page("<p>账号 <code>district_nanshan</code>，demo_applicant_11</p>"),
                                      allowed={"demo_applicant_11"})
    assert not checks.raw_identifiers(page("<p>https://example.cn/a_b x@y_z.cn</p>"))


def test_english_interface_text_on_a_chinese_page():
    found = checks.wrong_language(page("<label>Allow partial funding</label><button>Save</button>"))
    assert len(found) == 2
    # Data (a table cell, an English organisation name) and what declares its own language are not interface.
    assert not checks.wrong_language(page(
        '<table><tr><th>名称</th></tr><tr><td>Shenzhen Smart Care Co., Ltd.</td></tr></table>'
        '<button lang="en">English</button><a class="btn">导出 Excel</a><th>API</th>'
        '<label>按住 Ctrl 键（Mac 上为 ⌘ 键）可多选</label>'))


def test_chinese_interface_text_on_an_english_page():
    found = checks.wrong_language(page("<nav><a class='nav-link'>统筹协调</a></nav><th>Budget (万元)</th>", "en"))
    assert found == ["Chinese on an English page: 统筹协调"]
    assert not checks.wrong_language(page(
        '<button lang="zh-hans">中</button><h2><a lang="zh-hans">深圳智慧科技有限公司</a></h2><td>卢文</td>', "en"))


def test_yuan_amounts_on_a_page_in_wan_yuan():
    found = checks.yuan_amounts(page("<p>资助 12.50 万元</p><p>已拨付 125000.00</p><p>支出 3,500 元</p>"))
    assert found == ["amount in yuan on a 万元 page: 125000.00", "amount in yuan on a 万元 page: 3,500 元"]
    assert not checks.yuan_amounts(page("<p>资助 12.50 万元，合计 1,250.00 万元</p>"))
    assert not checks.yuan_amounts(page("<p>合同金额 125000.00</p>")), "a page without 万元 has no other unit"


def test_sideways_scroll():
    assert checks.sideways_scroll(483, 390, 'div "简体中文"') == [
        'scrolls sideways: 483px wide on a 390px screen; div "简体中文"']
    assert not checks.sideways_scroll(390, 390)


def test_console_errors_except_a_refused_page_announcing_itself():
    messages = [("Failed to load resource: the server responded with a status of 404", "http://x/admin/"),
                ("Uncaught TypeError: x is undefined", None)]
    assert checks.console_errors(messages) == [f"console: {text}" for text, _url in messages]
    assert checks.console_errors(messages, refused_urls={"http://x/admin/"}) == [
        "console: Uncaught TypeError: x is undefined"]


def test_check_html_names_every_kind_it_reads():
    results = checks.check_html("<!doctype html><html lang=en><head><title>t</title></head><body></body></html>")
    assert set(results) | {"sideways scroll", "console"} == set(checks.KINDS)
    assert not any(results.values())
