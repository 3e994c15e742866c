"""zhibiao.transforms.decode: raw bytes of every kind a source serves, to the extractor's text."""

import codecs
import zlib
from pathlib import Path

import pytest

from zhibiao.transforms import html_text as html_module
from zhibiao.transforms.decode import Decoded, DecodeError, decode, decode_file, normalize_text
from zhibiao.transforms.doc_meta import find_published_on
from zhibiao.transforms.table_text import table_sentences

FIXTURES = Path(__file__).parent / "fixtures" / "decode"


def make_pdf(pages: list[list[str]], compress: bool = False) -> bytes:
    """A minimal PDF whose text layer holds these lines: a Type0 font with no glyphs, only a
    ToUnicode map (code = UTF-16BE code unit), which is all text extraction reads."""
    high = sorted({ord(ch) >> 8 for lines in pages for line in lines for ch in line} or {0})
    ranges = "\n".join(f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>" for h in high)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def\n"
        f"1 begincodespacerange <0000> <FFFF> endcodespacerange\n{len(high)} beginbfrange\n{ranges}\n"
        "endbfrange\nendcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # pages, filled below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        _stream(cmap),
    ]
    kids = []
    for lines in pages:
        ops = ["BT /F1 10 Tf 12 TL 40 800 Td"]
        ops += [f"<{line.encode('utf-16-be').hex()}> Tj T*" for line in lines]
        content = "\n".join([*ops, "ET"]).encode()
        objects.append(
            _stream(zlib.compress(content), b"/Filter /FlateDecode")
            if compress
            else _stream(content)
        )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
            f"<< /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    return _pdf_file(objects)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _pdf_file(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


# --- normalize_text -------------------------------------------------------------------------

NORMALIZE_CASES = [
    # full-width digits, letters, % and . fold to ASCII; Chinese punctuation stays
    ("１３１７．７万人次，增长８．５％。", "1317.7万人次，增长8.5%。"),
    ("ＧＤＰ增长５％；ＣＰＩ上涨０．３％", "GDP增长5%；CPI上涨0.3%"),
    ("（一）农业：粮食、蔬菜《规划》“十四五”！？", "（一）农业：粮食、蔬菜《规划》“十四五”！？"),
    ("增长－０．１％", "增长-0.1%"),
    ("下降\u22122.1%", "下降-2.1%"),
    # Traditional -> Simplified by OpenCC phrases; corner quotes become curly quotes
    ("全年地區生產總值比上年增長9.5%", "全年地区生产总值比上年增长9.5%"),
    ("「臺灣」與『澳門』", "“台湾”与‘澳门’"),
    # thousands separators: stripped only in a real digit grouping
    ("游客1,317.7万人次", "游客1317.7万人次"),
    ("总人口12,345,678人", "总人口12345678人"),
    ("分别增长8.5%,11%", "分别增长8.5%,11%"),
    ("分别为3,5个", "分别为3,5个"),
    ("2023,2024年", "2023,2024年"),
    ("1,234,56个", "1,234,56个"),
    ("0.5,123", "0.5,123"),
    ("收入１，３１７．７亿元", "收入1317.7亿元"),
    ("1\u2009317.7亿元", "1317.7亿元"),
    ("1\u00a0317\u00a0000元", "1317000元"),
    ("表1 2024年", "表1 2024年"),  # an ordinary space between two numbers stays
    # spaces around CJK, before % and units
    ("230 亿元", "230亿元"),
    ("增长 9.5 %", "增长9.5%"),
    ("全 年 地 区 生 产 总 值", "全年地区生产总值"),
    ("2024 年 GDP growth rate", "2024年GDP growth rate"),
    ("全年 地区", "全年地区"),
    (
        "发布单位：云南省统计局\u3000\u3000发布时间：2024年11月18日",
        "发布单位：云南省统计局\u3000发布时间：2024年11月18日",
    ),
    ("代市长  洛桑多吉", "代市长\u3000洛桑多吉"),
    # a headline parts its two phrases by one space; prose with stray spaces loses them
    ("某市2019年GDP达2.1万亿元 增长6%左右", "某市2019年GDP达2.1万亿元\u3000增长6%左右"),
    ("当年支出52.91 亿元 ，完 成 预算 的102.3%", "当年支出52.91亿元，完成预算的102.3%"),
    ("\u3000\u3000全年增长\u3000230\u3000亿元\u3000\u3000", "全年增长230亿元"),
    # ASCII punctuation touching CJK becomes Chinese; between digits it stays
    ("增长9.5%,比上年提高;其中:工业", "增长9.5%，比上年提高；其中：工业"),
    ("三次产业结构为8.8:34.8:56.4", "三次产业结构为8.8:34.8:56.4"),
    ("三次产业比重为6.3\ufe3035.5\ufe3058.2", "三次产业比重为6.3\u223635.5\u223658.2"),
    # unit symbols become the unit words the extractor knows
    ("面积120㎡，林地2.3km²，蓄水1.5m³", "面积120平方米，林地2.3平方公里，蓄水1.5立方米"),
    # ellipses
    ("等等……", "等等。"),
    ("等等⋯⋯。下一句", "等等。下一句"),
    ("如下：……", "如下："),
    ("一、工作回顾…………3\n二、目标任务..........12", "一、工作回顾\n二、目标任务"),
    # invisible characters, whitespace, paragraphs
    ("全\u200b年\u200d增\ufeff长\u00ad", "全年增长"),
    ("全年\x07增长\x00\x1b", "全年增长"),
    ("  第一段  \r\n\r\n\n\t第二段\f第三段 ", "第一段\n第二段\n第三段"),
    # a line break inside a bracket the next line closes is the page's wrapping
    ("增长8.4%（含园区增长\n8.3%），比1-9月加快", "增长8.4%（含园区增长8.3%），比1-9月加快"),
    ("全年（预计）\n（二）工业", "全年（预计）\n（二）工业"),
    # a mirror's pinyin glosses (ruby printed inline) go; a bracketed aside stays
    ("國民經(jīng)濟(jì)和社會(huì)發(fā)展", "国民经济和社会发展"),
    ("地区(qū)生产(chǎn)总值(GDP)增长（yī）", "地区生产总值(GDP)增长"),
    ("指标(a)和(b)", "指标(a)和(b)"),
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZE_CASES)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), NORMALIZE_CASES)
def test_normalize_text_is_idempotent(raw: str, expected: str) -> None:
    assert normalize_text(expected) == expected


# --- format sniffing and rejects ------------------------------------------------------------

SENTENCE = "全年地区生产总值230.5亿元，比上年增长9.5%。"
HTML_PAGE = f"<html><head><title>公报</title></head><body><p>{SENTENCE}</p></body></html>"

FORMAT_CASES = [
    ("plain utf-8", SENTENCE.encode(), None, None, "text"),
    ("html by markup", HTML_PAGE.encode(), None, None, "html"),
    ("html by markup despite text/plain", HTML_PAGE.encode(), "text/plain", None, "html"),
    ("html fragment", f"<div><p>{SENTENCE}</p></div>".encode(), None, None, "html"),
    ("html by content type", f"<b>{SENTENCE}</b>".encode(), "text/html", None, "html"),
    ("html by file name", f"<b>{SENTENCE}</b>".encode(), None, "a.shtml", "html"),
    ("less-than sign is not markup", f"增速<5%的县有3个。{SENTENCE}".encode(), None, None, "text"),
    ("pdf by magic", make_pdf([[SENTENCE]]), "text/html", "x.html", "pdf"),
    ("pdf with leading junk", b"\r\n" + make_pdf([[SENTENCE]]), None, None, "pdf"),
]


@pytest.mark.parametrize(("case", "raw", "content_type", "filename", "fmt"), FORMAT_CASES)
def test_format_sniffing(
    case: str, raw: bytes, content_type: str | None, filename: str | None, fmt: str
) -> None:
    decoded = decode(raw, content_type=content_type, filename=filename)
    assert decoded.format == fmt, case
    assert "230.5亿元" in decoded.text


REJECT_CASES = [
    ("empty", b"", "empty document"),
    ("whitespace only", b" \r\n\t \n", "empty document"),
    ("html without text", b"<html><body><script>var a=1;</script></body></html>", "empty document"),
    (
        "png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "binary content, not text, HTML or PDF",
    ),
    ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(100), "binary content"),
    (
        "zip (docx, xlsx)",
        b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" * 5,
        "binary content",
    ),
    ("gzip", b"\x1f\x8b\x08\x00" + bytes(range(200)), "binary content"),
    ("nul bytes", b"abc\x00\x00\x01\x02\x03def" * 20, "binary content"),
    ("control bytes", bytes(range(1, 32)) * 20 + SENTENCE.encode(), "binary content"),
    ("undecodable", b"\x81\xff\xc3\x28" * 50, "undecodable bytes"),
    ("pdf without text layer", make_pdf([[], []]), "PDF without a text layer"),
    ("damaged pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage", "PDF"),
]


@pytest.mark.parametrize(("case", "raw", "message"), REJECT_CASES)
def test_rejects_with_one_line_reason(case: str, raw: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message) as caught:
        decode(raw)
    assert "\n" not in str(caught.value), case
    assert isinstance(caught.value, ValueError)


# --- charsets -------------------------------------------------------------------------------

TRAD = "全年地區生產總值230.5億元，比上年增長9.5%。其中，第一產業增加值20.3億元。"
SIMP = "全年地区生产总值230.5亿元，比上年增长9.5%。其中，第一产业增加值20.3亿元。"
RARE = "䶮"  # CJK extension A: four bytes in GB18030, not in GBK


def _meta_page(charset_decl: str, body: str) -> str:
    return f"<html><head>{charset_decl}<title>t</title></head><body><p>{body}</p></body></html>"


CHARSET_CASES = [
    ("utf-8 BOM", codecs.BOM_UTF8 + SIMP.encode(), None, "utf-8"),
    ("utf-16-le BOM", codecs.BOM_UTF16_LE + SIMP.encode("utf-16-le"), None, "utf-16"),
    ("utf-16-be BOM", codecs.BOM_UTF16_BE + SIMP.encode("utf-16-be"), None, "utf-16"),
    ("utf-16 without BOM", ("2024年" + SIMP).encode("utf-16-le"), None, "utf-16"),
    ("BOM beats the header", codecs.BOM_UTF8 + SIMP.encode(), "text/plain; charset=gbk", "utf-8"),
    ("header gbk read as gb18030", SIMP.encode("gbk"), "text/plain; charset=GBK", "gb18030"),
    (
        "header gb2312 read as gb18030",
        SIMP.encode("gb2312"),
        "text/html; charset=gb2312",
        "gb18030",
    ),
    ("header x-gbk alias", SIMP.encode("gbk"), "text/plain; charset=x-gbk", "gb18030"),
    ("header big5", TRAD.encode("big5"), "text/plain; charset=big5", "big5"),
    ("meta charset", _meta_page('<meta charset="gb2312">', SIMP).encode("gbk"), None, "gb18030"),
    (
        "meta http-equiv",
        _meta_page(
            '<meta http-equiv="Content-Type" content="text/html; charset=big5">', TRAD
        ).encode("big5"),
        None,
        "big5",
    ),
    (
        "header beats meta",
        _meta_page('<meta charset="big5">', SIMP).encode("gbk"),
        "text/html; charset=gbk",
        "gb18030",
    ),
    ("detect gb18030", SIMP.encode("gb18030"), None, "gb18030"),
    ("detect big5", TRAD.encode("big5"), None, "big5"),
    ("detect short gbk", "中文".encode("gbk"), None, "gb18030"),
    ("detect short big5", "中文報告".encode("big5"), None, "big5"),
    ("detect utf-8", SIMP.encode(), None, "utf-8"),
    (
        "wrong header: utf-8 declared, gbk bytes",
        SIMP.encode("gbk"),
        "text/plain; charset=utf-8",
        "gb18030",
    ),
    (
        "wrong meta: gb2312 declared, utf-8 bytes",
        _meta_page('<meta charset="gb2312">', SIMP).encode(),
        None,
        "utf-8",
    ),
    (
        "wrong header: big5 declared, gbk bytes",
        SIMP.encode("gbk"),
        "text/plain; charset=big5",
        "gb18030",
    ),
    (
        "unknown charset name ignored",
        SIMP.encode("gbk"),
        "text/plain; charset=x-unknown",
        "gb18030",
    ),
    (
        "gb18030-only character under gb2312",
        (SIMP + RARE).encode("gb18030"),
        "text/plain; charset=gb2312",
        "gb18030",
    ),
]


@pytest.mark.parametrize(("case", "raw", "content_type", "encoding"), CHARSET_CASES)
def test_charset(case: str, raw: bytes, content_type: str | None, encoding: str) -> None:
    decoded = decode(raw, content_type=content_type)
    assert decoded.encoding == encoding, case
    assert "230.5亿元，比上年增长9.5%" in decoded.text or decoded.text.startswith("中文"), (
        decoded.text
    )
    assert "\ufffd" not in decoded.text


def test_gb18030_superset_keeps_the_rare_character() -> None:
    decoded = decode((SIMP + RARE).encode("gb18030"), content_type="text/plain; charset=gb2312")
    assert decoded.text.endswith(RARE)


# --- HTML -----------------------------------------------------------------------------------


def _page(article: str, head: str = "") -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>林芝市统计公报_林芝市人民政府</title>
{head}<style>p {{ color: red }}</style></head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/tjsj">统计数据</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; 统计数据</div>
<div class="article">{article}</div>
<div class="footer"><p>版权所有：林芝市人民政府 主办单位：林芝市人民政府办公室</p><p>藏ICP备05000456号</p></div>
<script>document.write("访问量增长100%");</script></body></html>""".encode()


ARTICLE = """<h1>林芝市2024年国民经济和社会发展统计公报</h1>
<div class="info">发布时间：2024年3月15日 来源：林芝市统计局</div>
<p>2024年，全市上下坚持稳中求进工作总基调，经济运行总体平稳、稳中有进，高质量发展扎实推进。</p>
<p>初步核算，全年地区生产总值230.5亿元，按不变价格计算，比上年增长9.5%。</p>
<p>全年全体居民人均可支配收入25000元，比上年增长7.0%。</p>"""


def test_html_keeps_the_article_only() -> None:
    decoded = decode(_page(ARTICLE), content_type="text/html")
    assert decoded.format == "html"
    assert decoded.encoding == "utf-8"
    assert (
        "初步核算，全年地区生产总值230.5亿元，按不变价格计算，比上年增长9.5%。"
        in decoded.text.split("\n")
    )
    for boilerplate in ("首页", "版权所有", "ICP", "访问量", "color", "当前位置"):
        assert boilerplate not in decoded.text
    assert decoded.title == "林芝市2024年国民经济和社会发展统计公报"
    assert decoded.published_on == "2024-03-15"


def _table_page(table: str, before: str = "<p>表1 2024年主要经济指标</p>") -> bytes:
    return _page(
        f"<h1>统计公报</h1><p>{SENTENCE}经济运行总体平稳，稳中有进。</p>{before}{table}<p>注：数据为快报数。</p>"
    )


def _rows(*rows: tuple[str, ...], header_tag: str = "th") -> str:
    def row(cells: tuple[str, ...], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"

    return (
        "<table border='1'>"
        + row(rows[0], header_tag)
        + "".join(row(r, "td") for r in rows[1:])
        + "</table>"
    )


TABLE_CASES = [
    (
        "指标 单位 绝对数 比上年增长(%)",
        _rows(
            ("指标", "单位", "绝对数", "比上年增长(%)"),
            ("地区生产总值", "亿元", "230.50", "9.5"),
            ("其中：第一产业", "亿元", "2.30", "-4.0"),
        ),
        [
            "表1 2024年主要经济指标",
            "地区生产总值230.50亿元，比上年增长9.5%。",
            "第一产业2.30亿元，比上年下降4.0%。",
        ],
    ),
    (
        "reordered: growth before value, 计量单位 last, header in td",
        _rows(
            ("项目", "同比±%", "绝对值", "计量单位"),
            ("　　社会消费品零售总额", "16.2", "60.8", "亿元"),
            header_tag="td",
        ),
        ["社会消费品零售总额同比增长16.2%，60.8亿元。"],
    ),
    (
        "period value column and 增速",
        _rows(
            ("指标", "单位", "1-9月", "增速(%)"),
            ("旅游收入", "亿元", "108.2", "13.1"),
            ("#税收收入", "万元", "78,360", "−4.6"),
        ),
        ["旅游收入1-9月108.2亿元，增长13.1%。", "税收收入1-9月78360万元，下降4.6%。"],
    ),
    (
        "unit in the header, no unit column, percentage points",
        _rows(
            ("指标", "本年(万人)", "比上年增减(百分点)"),
            ("城镇新增就业", "0.52", "0.3"),
            ("农村劳动力转移就业", "12.5", "-0.1"),
        ),
        [
            "城镇新增就业0.52万人，比上年提高0.3个百分点。",
            "农村劳动力转移就业12.5万人，比上年下降0.1个百分点。",
        ],
    ),
    (
        "two value columns and a share column, unit from a note row",
        "<table><tr><td colspan='4'>单位：亿元</td></tr>"
        "<tr><th>指标</th><th>2023年</th><th>2024年</th><th>比重(%)</th></tr>"
        "<tr><td>第三产业</td><td>120.1</td><td>130.1</td><td>56.4</td></tr></table>",
        ["第三产业2023年120.1亿元，2024年130.1亿元，比重56.4%。"],
    ),
    (
        "caption element, two-row header with spans, blank cells",
        "<table><caption>表2 分县（区）主要指标</caption>"
        "<tr><th rowspan='2'>地区</th><th colspan='2'>地区生产总值</th></tr>"
        "<tr><th>绝对数(亿元)</th><th>比上年增长(%)</th></tr>"
        "<tr><td>墨脱县</td><td>12.8</td><td>12.6</td></tr>"
        "<tr><td>察隅县</td><td>&nbsp;</td><td>8.7</td></tr>"
        "<tr><td>合计（空行）</td><td>—</td><td></td></tr></table>",
        [
            "表2分县（区）主要指标",
            "墨脱县地区生产总值12.8亿元，比上年增长12.6%。",
            "察隅县地区生产总值比上年增长8.7%。",
        ],
    ),
    (
        "row labels that are links",
        _rows(
            ("指标", "单位", "绝对数"),
            ("<a href='/c/1'>粮食产量</a>", "万吨", "9.46"),
            ("<a href='/c/2'>肉类产量</a>", "万吨", "3.49"),
        ),
        ["粮食产量9.46万吨。", "肉类产量3.49万吨。"],
    ),
    (
        "years as rows",
        _rows(
            ("年份", "地区生产总值(亿元)", "增长(%)"),
            ("2023", "210.1", "8.0"),
            ("2024", "230.5", "9.5"),
        ),
        ["2023年，地区生产总值210.1亿元，增长8.0%。", "2024年，地区生产总值230.5亿元，增长9.5%。"],
    ),
]


@pytest.mark.parametrize(("case", "table", "expected"), TABLE_CASES)
def test_html_tables_become_sentences(case: str, table: str, expected: list[str]) -> None:
    lines = decode(_table_page(table)).text.split("\n")
    found = [line for line in lines if line in expected]
    assert found == expected, (case, lines)


def test_table_caption_and_rows_stay_in_document_order() -> None:
    lines = decode(_table_page(TABLE_CASES[0][1])).text.split("\n")
    caption = lines.index("表1 2024年主要经济指标")
    assert lines[caption + 1] == "地区生产总值230.50亿元，比上年增长9.5%。"
    assert lines[caption + 3] == "注：数据为快报数。"
    assert lines[0].startswith("全年地区生产总值230.5亿元")


def test_layout_table_is_not_a_data_table() -> None:
    layout = "<table><tr><td><p>第一段正文没有数字，只有文字。</p></td><td><a href='/'>首页</a></td></tr></table>"
    assert table_sentences([["第一段正文没有数字，只有文字。", "首页"]]) == []
    assert "第一段正文没有数字，只有文字。" in decode(_table_page(layout, before="")).text


OLD_CMS_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>统计公报</title></head><body class="nav-open">
<table width="100%"><tr><td><a href="/">首页</a> | <a href="/xw">新闻</a> | <a href="/gk">公开</a></td></tr></table>
<table width="960"><tr><td class="main"><div id="zoom">
&nbsp;&nbsp;初步核算，全年地区生产总值<span style="font-family:宋体">230</span><span>.5</span>亿元，比上年增长<b>9.5</b>%。<br/>
&nbsp;&nbsp;全年粮食产量9.46万吨，比上年增长1.8%。<br><br>
\u3000\u3000全年接待游客<font color="red">1,317.7</font>万人次，增长100.3%。</div>
<table border=1><tr><td>指标</td><td>单位</td><td>绝对数</td><td>比上年增长%</td></tr>
<tr><td>旅游收入</td><td>亿元</td><td>116.7</td><td>106.0</td></tr></table>
</td></tr></table><div id="footer">版权所有 林芝市人民政府</div></body></html>"""


def test_html_old_cms_page_with_layout_tables_and_inline_markup() -> None:
    decoded = decode(OLD_CMS_PAGE.encode("gbk"))
    assert decoded.encoding == "gb18030"
    text = decoded.text
    for sentence in (
        "初步核算，全年地区生产总值230.5亿元，比上年增长9.5%。",
        "全年粮食产量9.46万吨，比上年增长1.8%。",
        "全年接待游客1317.7万人次，增长100.3%。",
        "旅游收入116.7亿元，比上年增长106.0%。",
    ):
        assert sentence in text
    assert "|" not in text and "首页" not in text and "版权所有" not in text


def test_html_falls_back_to_body_text_when_trafilatura_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_module.trafilatura, "extract", lambda *args, **kwargs: None)
    decoded = decode(
        _page(ARTICLE + _rows(("指标", "单位", "绝对数"), ("粮食产量", "万吨", "9.46")))
    )
    assert (
        "初步核算，全年地区生产总值230.5亿元，按不变价格计算，比上年增长9.5%。"
        in decoded.text.split("\n")
    )
    assert "粮食产量9.46万吨。" in decoded.text.split("\n")
    assert "访问量" not in decoded.text and "版权所有" not in decoded.text


# Synthetic fixtures (issue 16.5): markup past libxml2's depth limit of 256, where lxml keeps
# only the tree built before the cut. The sentence must survive, scripts must not.
DEEP_HTML_CASES = [
    ("10,000 nested divs", "<div>" * 10_000 + f"<p>{SENTENCE}</p>" + "</div>" * 10_000),
    ("3,000 unclosed tables", "<table><tr><td>" * 3_000 + SENTENCE),
    (
        "text before, inside and after the deep part",
        "<p>前言。</p>" + "<div>" * 300 + f"<script>var x = '7亿元';</script><p>{SENTENCE}</p>"
        + "</div>" * 300 + "<p>结语。</p>",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body"), DEEP_HTML_CASES, ids=[c[0] for c in DEEP_HTML_CASES])
def test_deeply_nested_or_unclosed_html_keeps_its_text(case: str, body: str) -> None:
    head = '<title>林芝市统计公报</title><meta name="PubDate" content="2024-01-15">'
    raw = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    decoded = decode(raw, content_type="text/html")
    assert SENTENCE in decoded.text.split("\n"), case
    assert "7亿元" not in decoded.text
    assert decoded.title == "林芝市统计公报" and decoded.published_on == "2024-01-15"


def test_deep_html_without_text_still_says_it_has_none() -> None:
    raw = ("<html><body>" + "<div>" * 5_000 + "<script>var a = 1;</script>").encode()
    with pytest.raises(DecodeError, match="the HTML page has no text"):
        decode(raw, content_type="text/html")


HTML_META_CASES = [
    (
        "ArticleTitle and PubDate meta",
        '<meta name="ArticleTitle" content="甲文"><meta name="PubDate" content="2024-01-15 10:30">',
        "<p>正文。</p>",
        "甲文",
        "2024-01-15",
    ),
    (
        "og and article:published_time",
        '<meta property="og:title" content="乙文"><meta property="article:published_time" content="2024-02-01T08:00:00+08:00">',
        "",
        "乙文",
        "2024-02-01",
    ),
    ("h1 and labelled line", "", "<h1>丙文</h1><p>发布日期：2024/03/05</p>", "丙文", "2024-03-05"),
    (
        "title without site suffix, date line under title",
        "",
        "<p>2024年4月20日</p>",
        "林芝市统计公报",
        "2024-04-20",
    ),
    (
        "Chinese-numeral date line",
        "",
        "<h1>政府工作报告</h1><p>——二〇二四年一月十五日在林芝市第三届人民代表大会第四次会议上</p>",
        "政府工作报告",
        "2024-01-15",
    ),
    (
        "no date stated",
        "",
        "<h1>丁文</h1><p>自2023年1月1日起施行的规定继续有效，全年增长5%。</p>",
        "丁文",
        None,
    ),
]


@pytest.mark.parametrize(("case", "head", "article", "title", "published_on"), HTML_META_CASES)
def test_html_title_and_date(
    case: str, head: str, article: str, title: str, published_on: str | None
) -> None:
    decoded = decode(_page(article + f"<p>{SENTENCE}</p>", head=head))
    assert (decoded.title, decoded.published_on) == (title, published_on), case


# --- PDF and layout text --------------------------------------------------------------------

WRAPPED_PAGES = [
    [
        "林芝市统计局 2024年统计公报",
        "林芝市2024年国民经济和社会发展统计公报",
        "一、综合",
        "初步核算，全年地区生产总值230.5亿元，按不变价格计算，比上",
        "年增长9.5%。其中，第一产业增加值20.3亿元，增长4.0%；第二产业增",
        "加值80.1亿元，增长12.1%；第三产业增加值130.1亿元，增长8.6%。全",
        "年全体居民人均可支配收入25000元，比上年增长7.0%，城镇居民人均",
        "— 1 —",
    ],
    [
        "林芝市统计局 2024年统计公报",
        "可支配收入47125元，增长8.5%。",
        "二、农业",
        "全年粮食总产量9.46万吨，比上年增长1.8%。全年肉类总产量3.49万吨，",
        "比上年下降1.2%。全年新建高标准农田2.33万亩，完成年度目标任务的1",
        "16.5%，全市耕地保有量达到规划目标，粮食安全基础进一步巩固提升。",
        "- 2 -",
    ],
    [
        "林芝市统计局 2024年统计公报",
        "三、旅游",
        "全年接待国内外游客1317.7万人次，比上年增长100.3%。",
        "第 3 页",
    ],
]
EXPECTED_PARAGRAPHS = [
    "林芝市2024年国民经济和社会发展统计公报",
    "一、综合",
    "初步核算，全年地区生产总值230.5亿元，按不变价格计算，比上年增长9.5%。其中，第一产业增加值20.3亿元，"
    "增长4.0%；第二产业增加值80.1亿元，增长12.1%；第三产业增加值130.1亿元，增长8.6%。全年全体居民人均可"
    "支配收入25000元，比上年增长7.0%，城镇居民人均可支配收入47125元，增长8.5%。",
    "二、农业",
    "全年粮食总产量9.46万吨，比上年增长1.8%。全年肉类总产量3.49万吨，比上年下降1.2%。全年新建高标准农田"
    "2.33万亩，完成年度目标任务的116.5%，全市耕地保有量达到规划目标，粮食安全基础进一步巩固提升。",
    "三、旅游",
    "全年接待国内外游客1317.7万人次，比上年增长100.3%。",
]


@pytest.mark.parametrize("compress", [False, True])
def test_pdf_repairs_layout(compress: bool) -> None:
    decoded = decode(make_pdf(WRAPPED_PAGES, compress=compress), content_type="application/pdf")
    assert decoded.format == "pdf"
    assert decoded.encoding == "unicode"
    assert decoded.text.split("\n") == EXPECTED_PARAGRAPHS
    assert decoded.title == "林芝市2024年国民经济和社会发展统计公报"


PAGE_NUMBER_CASES = [
    "— 1 —",
    "- 2 -",
    "第 3 页",
    "第3页 共12页",
    "3/12",
    "12",
    "Page 4 of 9",
    "－5－",
]


@pytest.mark.parametrize("page_number", PAGE_NUMBER_CASES)
def test_pdf_drops_page_number_lines(page_number: str) -> None:
    pages = [[SENTENCE, page_number], [page_number, "全年粮食总产量9.46万吨。"]]
    assert decode(make_pdf(pages)).text.split("\n") == [SENTENCE, "全年粮食总产量9.46万吨。"]


def test_pdf_keeps_a_line_repeated_on_few_pages() -> None:
    pages = [
        ["单位：亿元", SENTENCE],
        ["全年粮食总产量9.46万吨。"],
        ["全年肉类总产量3.49万吨。"],
        ["单位：亿元", "全年游客1317.7万人次。"],
    ]
    assert decode(make_pdf(pages)).text.count("单位：亿元") == 2


def test_pdf_keeps_body_lines_a_document_repeats_at_page_edges() -> None:
    page = ["统计公报", SENTENCE, "全年粮食总产量9.46万吨。", "— 1 —"]
    lines = decode(make_pdf([page, page, page])).text.split("\n")
    assert lines == [SENTENCE, "全年粮食总产量9.46万吨。"] * 3


def test_pdf_table_rows_become_sentences() -> None:
    page = [
        "表1 2024年主要指标",
        "指标 单位 绝对数 比上年增长(%)",
        "地区生产总值 亿元 230.50 9.5",
        "第一产业 亿元 20.30 -4.0",
        "注：快报数。",
    ]
    assert decode(make_pdf([page])).text.split("\n") == [
        "表1 2024年主要指标",
        "地区生产总值230.50亿元，比上年增长9.5%。",
        "第一产业20.30亿元，比上年下降4.0%。",
        "注：快报数。",
    ]


def test_pdf_fixture_file() -> None:
    decoded = decode_file(FIXTURES / "bulletin.pdf")
    lines = decoded.text.split("\n")
    assert decoded.format == "pdf"
    assert decoded.title == "林芝市2023年国民经济和社会发展统计公报"
    assert decoded.published_on == "2024-04-20"
    assert not any(
        "合成测试样例" in line or "—" in line for line in lines
    )  # running header, page numbers
    assert (
        "初步核算，全年全市地区生产总值231.6亿元，按可比价计算，比上年增长9.8%。其中，第一产业增加值19.5亿元，"
        "增长5.1%；第二产业增加值83.1亿元，增长13.6%；第三产业增加值129.0亿元，增长8.2%。"
    ) in lines
    assert any(
        "接待国内外游客1317.7万人次" in line and "旅游总收入116.7亿元" in line for line in lines
    )
    assert "地区生产总值231.60亿元，比上年增长9.8%。" in lines


LAYOUT_TEXT_CASES = [
    ("form feeds", "\f".join("\n".join(page) for page in WRAPPED_PAGES), EXPECTED_PARAGRAPHS),
    (
        "many short broken lines",
        "初步核算，全年地区生产总值\n230.5亿元，按不变价格计算，\n比上年增长9.5%。其中，第一\n产业增加值20.3亿元，增长4.0\n%；第二产业增加值80.1亿元。",
        [
            "初步核算，全年地区生产总值230.5亿元，按不变价格计算，比上年增长9.5%。其中，第一产业增加值20.3亿元，增长4.0%；第二产业增加值80.1亿元。"
        ],
    ),
    (
        "short line broken mid-sentence, title lines kept apart",
        "2024年一季度全区经济运行情况\n\n一季度，全区地区生产总值486.2亿元，同比增长5.8%。其\n中，第一产业增加值18.9亿元，增长4.2%；第二产业增加\n值162.4亿元，增长7.6%；第三产\n业增加值304.9亿元，增长4.9%。\n\n- 1 -\f二、工业生产",
        [
            "2024年一季度全区经济运行情况",
            "一季度，全区地区生产总值486.2亿元，同比增长5.8%。其中，第一产业增加值18.9亿元，增长4.2%；第二产业增加值162.4亿元，增长7.6%；第三产业增加值304.9亿元，增长4.9%。",
            "二、工业生产",
        ],
    ),
    (
        "indented first lines start paragraphs",
        "\u3000\u3000全年粮食产量9.46万吨，比上年增长1.8%，全年肉类总产量3.49万吨，比上年下降\n1.2%\n\u3000\u3000全年新建高标准农田2.33万亩，全市耕地保有量达到规划目标，粮食安全基础进一\n步巩固\n\u3000\u3000全年造林5.1万亩。",
        [
            "全年粮食产量9.46万吨，比上年增长1.8%，全年肉类总产量3.49万吨，比上年下降1.2%",
            "全年新建高标准农田2.33万亩，全市耕地保有量达到规划目标，粮食安全基础进一步巩固",
            "全年造林5.1万亩。",
        ],
    ),
    (
        "a sentence broken by a page turn, an indented page number and a running header",
        "某某统计局        2022年统计公报\n\n2022年某某国民经济和社会发展统计公报\n\n\u3000\u3000初步核算，全年地区生产总值2132.64亿元，比上年增长1.1%。其中，第一产业增加值\n180.16亿元，增长6.2%；第三产业增加值1147.81亿元，下降2.4%。人均地区\n\n\n                  — 1 —\n"
        "\f某某统计局        2022年统计公报\n\n生产总值58438元，增长1.4%。\n\u3000\u3000全年粮食产量9.46万吨。\n\n\n                  — 2 —\n",
        [
            "2022年某某国民经济和社会发展统计公报",
            "初步核算，全年地区生产总值2132.64亿元，比上年增长1.1%。其中，第一产业增加值180.16亿元，增长6.2%；第三产业增加值1147.81亿元，下降2.4%。人均地区生产总值58438元，增长1.4%。",
            "全年粮食产量9.46万吨。",
        ],
    ),
    (
        "one paragraph per line is left alone",
        "林芝市2024年统计公报\n一、综合\n初步核算，全年地区生产总值230.5亿元。\n全年粮食总产量9.46万吨。\n二、旅游\n全年游客1317.7万人次。",
        [
            "林芝市2024年统计公报",
            "一、综合",
            "初步核算，全年地区生产总值230.5亿元。",
            "全年粮食总产量9.46万吨。",
            "二、旅游",
            "全年游客1317.7万人次。",
        ],
    ),
]


def test_plain_text_table_printed_with_bars_becomes_sentences() -> None:
    """A page's table stored with bars between its cells, section rows included, reads as
    one sentence a row, as a tab-separated one does."""
    text = (
        "表1 年末常住人口数及其构成\n指标名称 | 绝对数(万人) | 占年末常住人口比重(%) |\n"
        "年末常住人口 | 512 | 100 |\n按城乡分 | ||\n城镇 | 301 | 58.79 |\n乡村 | 211 | 41.21 |"
    )
    decoded = decode(text.encode("utf-8"), content_type="text/plain")
    assert decoded.text.split("\n") == [
        "表1年末常住人口数及其构成",
        "年末常住人口512万人，占年末常住人口比重100%。",
        "城镇301万人，占年末常住人口比重58.79%。",
        "乡村211万人，占年末常住人口比重41.21%。",
    ]


@pytest.mark.parametrize(("case", "text", "expected"), LAYOUT_TEXT_CASES)
def test_plain_text_from_pdf_is_repaired(case: str, text: str, expected: list[str]) -> None:
    decoded = decode(text.encode("gb18030"), content_type="text/plain")
    assert decoded.format == "text"
    assert decoded.text.split("\n") == expected, case


# --- dates, titles, decode_file -------------------------------------------------------------

DATE_CASES = [
    ("发布时间：2024年1月15日\n正文", "2024-01-15"),
    ("标题\n发布日期: 2024-01-05 来源：统计局", "2024-01-05"),
    ("标题\n时间：2024.3.8", "2024-03-08"),
    ("标题\n2024年3月28日\n正文", "2024-03-28"),
    ("标题\n（2024年1月15日）", "2024-01-15"),
    ("政府工作报告\n——2024年1月15日在市人大会议上", "2024-01-15"),
    ("政府工作报告\n二〇二四年一月十五日", "2024-01-15"),
    ("合成样例\n西藏自治区统计局\u30002024年7月19日\n正文。", "2024-07-19"),
    ("林芝日报 2024年8月5日 星期一 第1版\n正文。", "2024-08-05"),
    ("关于2024年1月1日起调整标准的通知\n正文。", None),
    ("标题\n2024年13月45日", None),
    ("标题\n发布时间：2020年9月\u3000来源：旅游发展局", "2020-09-01"),  # a month alone
    ("标题\n日期：2020-09\n正文", "2020-09-01"),
    ("标题\n发布时间：2020年13月\n正文", None),
    ("标题\n时间：2024年1-9月\n正文", None),  # a span of months is no publication date
    ("正文说2023年1月1日起施行。", None),
    ("标题\n" + "正文。\n" * 20 + "2024年1月15日", None),
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_published_on(text: str, expected: str | None) -> None:
    assert find_published_on(text) == expected


TEXT_TITLE_CASES = [
    ("林芝市2023年统计公报\n正文。", "林芝市2023年统计公报"),
    ("各位代表：\n正文。", None),
    (
        "样例说明，非官方数据。\n林日报 2024年8月5日 第1版\n上半年我市经济运行稳中有进\n正文。",
        "上半年我市经济运行稳中有进",
    ),
    ("全年增长5%，总体平稳。\n一、综合\n正文。", None),
    ("初步核算，全年地区生产总值230.5亿元，比上年增长9.5%\n正文。", None),
]


@pytest.mark.parametrize(("text", "title"), TEXT_TITLE_CASES)
def test_text_title(text: str, title: str | None) -> None:
    assert decode(text.encode()).title == title


def test_decode_file_uses_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(f"<b>{SENTENCE}</b>".encode("gbk"))
    decoded = decode_file(path)
    assert isinstance(decoded, Decoded)
    assert (decoded.format, decoded.encoding, decoded.text) == ("html", "gb18030", SENTENCE)


def test_decoded_is_frozen() -> None:
    decoded = decode(SENTENCE.encode())
    with pytest.raises(AttributeError):
        decoded.text = ""  # type: ignore[misc]


def test_a_status_note_on_a_row_label_stays_with_its_figures() -> None:
    """地区生产总值（预计）: the note is no unit; the row's sentence keeps it for the status."""
    rows = [
        ["指标", "单位", "1-10月", "同比增长（%）"],
        ["地区生产总值（预计）", "亿元", "103.84", "13.7"],
    ]
    (sentence,) = table_sentences(rows)
    assert sentence.startswith("地区生产总值(预计)") and "103.84亿元" in sentence  # NFKC brackets


@pytest.mark.parametrize(
    ("head", "publisher"),
    [
        ("", "林芝市人民政府"),  # the <title>'s site suffix
        ('<meta name="SiteName" content="拉萨市旅游发展局">', "拉萨市旅游发展局"),
    ],
)
def test_html_page_names_its_publisher(head: str, publisher: str) -> None:
    assert decode(_page(f"<p>{SENTENCE}</p>", head=head)).publisher == publisher


def test_a_page_that_says_only_our_city_takes_its_region_from_the_publisher() -> None:
    """“雪顿节”期间我市…: no place in the article; the site is 拉萨市旅游发展局."""
    from zhibiao.transforms.read import SourceHints, read_document

    head = '<meta name="SiteName" content="拉萨市旅游发展局">'
    page = _page(
        "<h1>“雪顿节”期间我市旅游接待情况</h1><p>我市共接待国内外游客358.69万人次。</p>", head
    )
    _, figures = read_document(page, SourceHints(name="page.html"))
    assert figures["region"].tolist() == ["拉萨市"]
