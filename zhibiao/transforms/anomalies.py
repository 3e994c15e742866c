"""Anomaly rules: warehouse DataFrames in, one alert row per anomaly out; no I/O."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from zhibiao.expectations import rules
from zhibiao.transforms import units

# ---- Thresholds (a statistician should be able to review these without the code) ----------
# Level vs stated growth, by the indicator's growth_basis. Nominal growth and growth of
# physical quantities (`none`) must agree with the change of the printed levels up to their
# rounding; real growth differs from the change of a current-price level by the deflator
# (2-4 % in normal years), so only a gross contradiction is flagged.
GROWTH_TOLERANCE_PP = {"nominal": 1.5, "none": 1.5, "real": 5.0}
# Met or missed, and the band of an approximate target, are the warehouse's: target_met and
# target_tolerance in warehouse/sql/020_macros.sql, read through targets_vs_actuals.
# Revision between consecutive vintages of one key (estimate -> preliminary -> actual counts).
REVISION_REL = 0.02  # levels: 2 % of the earlier value
REVISION_PP = 1.0  # rates, growth, pp changes: 1 percentage point
# Growth far outside the indicator's own history: robust z = 0.6745 (x - median) / MAD
# (Iglewicz & Hoaglin's 3.5 cut-off), over at least 4 earlier periods of the same period type.
OUTLIER_Z = 3.5
OUTLIER_MIN_HISTORY = 4
MAD_FLOOR_PP = 0.5  # a flat history (MAD 0) would turn any change into an infinite z
# Plausible bounds of a year's growth and of a rate in %, and the groups of parts of a whole,
# are validation's (expectations/rules.py): one home, so a figure validation lets in raises
# no implausible-value alert, and both check the same groups.
# Parts of a whole across documents (the latest value of each part). Levels must sum to the
# whole within PARTS_SUM_REL (the rounding of three printed parts is far below 1 %); parts
# stated as shares (unit %) must sum to 100.
PART_GROUPS = tuple((g.whole, g.parts) for g in rules.PARTS_OF_WHOLE) + tuple(
    (g.whole, tuple(share for share, _ in g.parts)) for g in rules.SHARES
)
PARTS_SUM_REL = 0.01
SHARES_SUM_PP = 0.5
# When a source is late. Only a source that keeps publishing can be: a listing, or a release
# page with a cadence (monthly_release, quarterly_release). A source that is one document (a
# work report, a bulletin, a news article) is complete once fetched and is never stale; next
# year's report is a new entry or a listing's link. The next release is expected one cadence
# after the last document; the source is stale after a grace period for late publication on
# top (a quarterly release slips by weeks).
SINGLE_DOCUMENT_KINDS = ("work_report", "statistical_bulletin", "news")
CADENCE_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "half-yearly": 183,
                "yearly": 366}  # fmt: skip
GRACE_DAYS = {"daily": 2, "weekly": 3, "monthly": 14, "quarterly": 28, "half-yearly": 17,
              "yearly": 34}  # fmt: skip
# An anomaly this many times beyond its threshold is critical rather than a warning (rules
# without a size band below).
CRITICAL_FACTOR = 3.0
# Severity by size, (warning from, critical from); below the first it is info. Rates (growth,
# pp changes, levels in %) in percentage points, other levels relative to the target or the
# earlier value. A target missed by 0.2 pp is rounding news; by 5 pp, a plan that failed.
# A level revised by 3 % is the usual estimate -> final step; by 20 %, a new base or an error.
TARGET_MISS_SEVERITY = {"pp": (1.0, 3.0), "rel": (0.05, 0.15)}
REVISION_SEVERITY = {"pp": (2.0, 5.0), "rel": (0.05, 0.20)}

# The rule in words, for the heading of an alert: what happened, before the numbers.
RULE_NAMES = {
    "level_growth_mismatch": ("总量与增速不符", "Level and growth disagree"),
    "target_missed": ("目标未完成", "Target missed"),
    "large_revision": ("大幅修订", "Large revision"),
    "growth_outlier": ("增速异常", "Growth outlier"),
    "implausible_value": ("数值不合理", "Implausible value"),
    "parts_sum_mismatch": ("分项合计不符", "Parts do not sum"),
    "source_failed": ("数据源抓取失败", "Source failed"),
    "source_stale": ("数据源未更新", "Source stale"),
    "validation_failed": ("校验未通过", "Validation failed"),
    "document_rejected": ("文件被拒收", "Document rejected"),
}
# What a person checks first, one sentence per rule and language: the end of each message.
CHECKS = {
    "level_growth_mismatch": (
        "请核对两年的总量与增速是否同一口径（现价或可比价），以及各数字是否读对。",
        "Check that both levels and the growth share one basis (current or comparable prices) "
        "and that each figure was read right from its sentence.",
    ),
    "target_missed": (
        "请核对实际值与目标是否同一指标、地区和口径，并以两份文件原文确认。",
        "Check that the actual measures what the target set (indicator, region, basis), in "
        "the sentences of both documents.",
    ),
    "large_revision": (
        "请对照两份文件确认修订，并查看后一份是否调整了统计口径或基数。",
        "Check both documents: confirm the revision, and whether the later one changed the "
        "definition or the base.",
    ),
    "growth_outlier": (
        "请核对原文的数字与单位：倍数或总量被读成增速是常见原因。",
        "Check the figure and its unit in the sentence: a multiple or a level read as a growth "
        "rate is the usual cause.",
    ),
    "implausible_value": (
        "请核对原文：多为单位或小数点读错。",
        "Check the sentence: a misread unit or decimal point is the usual cause.",
    ),
    "parts_sum_mismatch": (
        "请核对各分项与总量是否同一期间和口径，是否漏了分项。",
        "Check that the parts and the whole share one period and basis, and that no part is "
        "missing.",
    ),
    "source_failed": (
        "请打开该地址：若已迁移，请更新 sources.yaml；若网站暂时不可用，下次运行会重试。",
        "Open the URL: if it moved, update sources.yaml; if the site is down, the next run "
        "tries again.",
    ),
    "source_stale": (
        "请查看发布页面是否已有新发布；若地址已变更，请更新 sources.yaml。",
        "Check the publisher's page for a newer release; if its address changed, update "
        "sources.yaml.",
    ),
    "validation_failed": (
        "请查看 quarantine 表中该文件的行与原因：是抽取错误，还是规则应当放行的真实数字。",
        "Check the document's rows in the quarantine table: an extraction error, or a real "
        "figure the rule should let in?",
    ),
    "document_rejected": (
        "请打开该文件：登录页或错误页代替了发布内容是常见原因。",
        "Open the document: a login or error page served instead of the release is the usual "
        "cause.",
    ),
}

# One plain sentence per language, filled from the figures of the anomaly.
MESSAGES = {
    "level_growth_mismatch": (
        "{region}{period_zh}{name_zh}为{level_zh}，上年同期为{prior_zh}，按此计算增长{implied:.1f}%，"
        "但文件所述增速为{growth:.6g}%，相差{gap:.1f}个百分点（{basis_zh}容差{tol:g}个百分点）。",
        "{name_en} of {region} was {level_en} in {period} against {prior_en} a year earlier, "
        "a change of {implied:.1f}%, but the stated growth is {growth:.6g}%: {gap:.1f} pp apart "
        "(tolerance {tol:g} pp for {basis} growth).",
    ),
    "target_missed": (
        "{region}{period_zh}{name_zh}{measure_zh}目标为{target_zh}{qualifier_zh}，"
        "{status_zh}为{actual_zh}，{verdict_zh}。",
        "{name_en} {measure_en} of {region} in {period}: the target was {qualifier_en}{target_en}, "
        "the {status} figure is {actual_en}; {verdict_en}.",
    ),
    "large_revision": (
        "{region}{period_zh}{name_zh}{measure_zh}由{old_on}公布的{old_zh}修订为{new_on}公布的"
        "{new_zh}，修订幅度{size_zh}（阈值{limit_zh}）。",
        "{name_en} {measure_en} of {region} for {period} was revised from {old_en} (published "
        "{old_on}) to {new_en} (published {new_on}), by {size_en} (threshold {limit_en}).",
    ),
    "growth_outlier": (
        "{region}{period_zh}{name_zh}增长{growth:.6g}%，此前{n}期增速中位数为{median:.6g}%，"
        "稳健z值{z:.1f}，超出±{limit:g}。",
        "{name_en} of {region} grew {growth:.6g}% in {period}; the median of its {n} earlier "
        "periods is {median:.6g}%, a robust z of {z:.1f} (limit ±{limit:g}).",
    ),
    "implausible_value": (
        "{region}{period_zh}{name_zh}{measure_zh}为{value:.6g}%，超出合理范围{lo:g}%至{hi:g}%。",
        "{name_en} {measure_en} of {region} in {period} is {value:.6g}%, outside the plausible "
        "range {lo:g}% to {hi:g}%.",
    ),
    "parts_sum_mismatch": (
        "{region}{period_zh}{parts_zh}合计{sum_zh}，与{whole_zh}相差{size_zh}（容差{limit_zh}）。",
        "The parts of {name_en} ({parts_en}) of {region} in {period} sum to {sum_en}, not "
        "{whole_en}: {size_en} apart (tolerance {limit_en}).",
    ),
    "source_failed": (
        "数据源{source_id}（{url}）最近一次抓取失败（{fetched_at}）：{error}",
        "Source {source_id} ({url}) failed on its last fetch ({fetched_at}): {error}",
    ),
    "source_stale": (
        "数据源{source_id}（{cadence}）最新文件为{last_on}，下一期应在{expected_on}前后发布，"
        "已{days}天无新文件，超过{limit}天。",
        "Source {source_id} ({cadence}) has had no new document since {last_on}; the next "
        "release was expected around {expected_on}: {days} days, more than the {limit} allowed.",
    ),
    "validation_failed": (
        "文件{doc}有{n}个数字未通过校验（{expectation}），已隔离：{reason}",
        "{n} figure(s) of document {doc} failed validation ({expectation}) and were "
        "quarantined: {reason}",
    ),
    "document_rejected": (
        "文件「{name}」（数据源{source_id}）被拒收：{error}",
        "Document '{name}' of source {source_id} was rejected: {error}",
    ),
}
ALERT_COLUMNS = [
    "rule",
    "severity",  # info | warning | critical
    "heading_zh",  # the rule and the indicator in words, the region and the period
    "heading_en",
    "indicator_code",
    "region",
    "period",
    "measure",
    "message_zh",
    "message_en",
    "evidence",  # the sentence(s) the figures came from, one a line
    "document_ids",  # list of document ids
    "fingerprint",  # sha256 of (rule, key, values): the same anomaly has the same fingerprint
    "details",  # JSON of the key and the values, for analysts
]
# A series: targets are their own role; a share (unit %) is not a vintage of the level (元).
KEY = ["indicator_code", "region", "period", "measure", "unit", "role"]
# ...and the words that qualify the indicator (国庆黄金周, 环比) make another series: the rules
# compare and group within one label. The label joins an alert's key (and so its
# fingerprint) only when it is not empty, so the alerts of unlabelled series keep theirs
# (_label, _labelled).
RATE_UNITS = ("%", "百分点", "‰")
QUALIFIER_ZH = {"ge": "以上", "gt": "以上", "le": "以内", "lt": "以下", "approx": "左右", "eq": ""}
QUALIFIER_EN = {"ge": "at least ", "gt": "more than ", "le": "at most ", "lt": "below "}
QUALIFIER_EN |= {"approx": "about ", "eq": ""}
MEASURE_ZH = {"level": "总量", "growth_pct": "增速", "pp_change": "变动", "multiple": "倍数"}
MEASURE_EN = {
    "level": "level",
    "growth_pct": "growth",
    "pp_change": "change",
    "multiple": "multiple",
}
BASIS_ZH = {"nominal": "名义增速", "real": "可比价增速", "none": "实物量增速"}


def fingerprint(rule: str, key: dict, values: dict) -> str:
    """Floats are rounded so that a value read back from DuckDB hashes as before."""
    vals = {k: float(f"{v:.6g}") if isinstance(v, float) else v for k, v in values.items()}
    blob = json.dumps([rule, key, vals], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _alert(rule: str, severity: str, key: dict, values: dict, fields: dict, rows=()) -> dict:
    values = {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in values.items()}
    f = {**key, "period_zh": _period_zh(key.get("period")), **fields}
    f |= {
        "measure_zh": MEASURE_ZH.get(key.get("measure"), ""),
        "measure_en": MEASURE_EN.get(key.get("measure"), ""),
    }
    zh, en = MESSAGES[rule]
    check_zh, check_en = CHECKS[rule]
    evidence = (r.get("evidence") for r in rows)
    # The first document is the one that brought the news (the actual, the revision): the
    # heading names it.
    docs = dict.fromkeys(r.get("document_id") for r in rows)
    return {
        "rule": rule,
        "severity": severity,
        **_heading(rule, key, fields),
        "indicator_code": key.get("indicator_code"),
        "region": key.get("region"),
        "period": key.get("period"),
        "measure": key.get("measure"),
        "message_zh": f"{zh.format_map(f)}请核对：{check_zh}",
        "message_en": f"{en.format_map(f)} Check: {check_en}",
        "evidence": "\n".join(dict.fromkeys(e for e in evidence if isinstance(e, str) and e)),
        "document_ids": [d for d in docs if isinstance(d, str)],
        "fingerprint": fingerprint(rule, key, values),
        "details": json.dumps({"key": key, "values": values}, ensure_ascii=False, default=str),
    }


def _heading(rule: str, key: dict, fields: dict) -> dict:
    """目标未完成 · 社会消费品零售总额 · 林芝市 2024年 and its English twin: the rule (or the
    verdict a rule words differently, `rule_zh`/`rule_en`), what it is about, where, when."""
    words_zh, words_en = RULE_NAMES[rule]
    other = key.get("source_id") or fields.get("name") or fields.get("doc")
    about_zh, about_en = fields.get("name_zh") or other, fields.get("name_en") or other
    where_zh = f"{key.get('region') or ''}{_period_zh(key.get('period'))}"
    where_en = " ".join(str(key[k]) for k in ("region", "period") if key.get(k))
    parts_zh = [fields.get("rule_zh", words_zh), about_zh, where_zh]
    parts_en = [fields.get("rule_en", words_en), about_en, where_en]
    return {
        "heading_zh": " · ".join(p for p in parts_zh if p),
        "heading_en": " · ".join(p for p in parts_en if p),
    }


def _graded(size: float, bands: tuple[float, float]) -> str:
    """info, warning or critical by where size falls in (warning from, critical from)."""
    warning, critical = bands
    return "critical" if size >= critical else "warning" if size >= warning else "info"


def _frame(alerts: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(alerts, columns=ALERT_COLUMNS)


def _period_zh(period) -> str:
    return f"{period}年" if isinstance(period, str) and period.isdigit() else str(period or "")


def _amount(name: str, v: float, unit: str) -> dict:
    """A figure as a person reads it: 230亿元 in Chinese, 23,000,000,000 yuan in English."""
    big = unit not in RATE_UNITS and abs(v) >= 1e4
    zh = f"{v / 1e8:.6g}亿{unit}" if big and abs(v) >= 1e8 else f"{v / 1e4:.6g}万{unit}"
    zh = zh if big else f"{v:.6g}{unit}"
    scale = next(
        ((d, w) for d, w in ((1e9, " billion"), (1e6, " million")) if abs(v) >= d), (1, "")
    )
    en = f"{v / scale[0]:,.6g}{scale[1]} {units.name_en(unit)}"
    en = f"{v:.6g}%" if unit == "%" else en
    return {f"{name}_zh": zh, f"{name}_en": en}


def _gap(size: float, limit: float, rate: bool) -> dict:
    if rate:
        return {"size_zh": f"{size:.2f}个百分点", "size_en": f"{size:.2f} pp"} | {
            "limit_zh": f"{limit:g}个百分点",
            "limit_en": f"{limit:g} pp",
        }
    return {"size_zh": f"{size:.1%}", "size_en": f"{size:.1%}"} | {
        "limit_zh": f"{limit:.0%}",
        "limit_en": f"{limit:.0%}",
    }


def _namer(catalog: pd.DataFrame):
    """Chinese and English names by code; a code missing from the catalog names itself."""
    zh = dict(zip(catalog["code"], catalog["name_zh"], strict=True))
    en = dict(zip(catalog["code"], catalog["name_en"], strict=True))

    def name(code: str) -> dict:
        z, e = zh.get(code), en.get(code)
        return {
            "name_zh": z if isinstance(z, str) and z else code,
            "name_en": e if isinstance(e, str) and e else code,
        }

    return name


def _severity(excess: float, threshold: float) -> str:
    return "critical" if excess > CRITICAL_FACTOR * threshold else "warning"


def _shift_year(period: str, years: int) -> str | None:
    """Chinese growth is year on year (同比): 2024Q1 compares with 2023Q1, 2024M01-M09 likewise."""
    return str(int(period[:4]) + years) + period[4:] if period[:4].isdigit() else None


def _evidence(r: dict, *prefixes: str) -> list[dict]:
    return [{"evidence": r[f"evidence{p}"], "document_id": r[f"document_id{p}"]} for p in prefixes]


def vintages(obs: pd.DataFrame) -> pd.DataFrame:
    """Stated figures in publication order, one per key and vintage date.

    Publication order, not realtime_end, so the rules do not depend on how the loader closes
    vintages. Targets are their own series (role): a target and the actual that followed are
    compared, never taken for a revision of each other. Derived and unmapped rows state nothing.
    """
    o = obs[(obs["status"] != "derived") & (obs["indicator_code"] != "unmapped")].copy()
    o["role"] = np.where(o["status"] == "target", "target", "outcome")
    order = ["realtime_start", "observation_id"] if "observation_id" in o else ["realtime_start"]
    o = o.sort_values(order, kind="stable")
    return o.drop_duplicates([*_series(o), "realtime_start"], keep="last")


def latest(v: pd.DataFrame) -> pd.DataFrame:
    return v.drop_duplicates(_series(v), keep="last")


def _series(df: pd.DataFrame) -> list[str]:
    """KEY and the series label, or KEY alone for a frame without labels (a caller's own)."""
    return [*KEY, *_label(df)]


def _label(df: pd.DataFrame) -> list[str]:
    """["series_label"] when the frame has labels: a rule's grouping takes it beside its own."""
    return ["series_label"] if "series_label" in df else []


def _labelled(key: dict, r: dict) -> dict:
    """The alert's key with the series label, when the series has one."""
    label = r.get("series_label")
    return {**key, "series_label": label} if isinstance(label, str) and label else key


def _suffixed(df: pd.DataFrame, suffix: str, on: list[str]) -> pd.DataFrame:
    cols = ["value", "unit", "qualifier", "evidence", "document_id"]
    return df[on + cols].rename(columns={c: f"{c}{suffix}" for c in cols})


def level_growth_mismatch(obs: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """A growth rate that the two levels it joins cannot produce means one figure is wrong."""
    lat = latest(vintages(obs))
    lat = lat[(lat["role"] == "outcome") & lat["value_high"].isna()]
    lv = lat[(lat["measure"] == "level") & lat["qualifier"].isin(["eq", "approx"])]
    lv = lv[~lv["unit"].isin(RATE_UNITS)]
    on = [
        "indicator_code",
        "region",
        "period",
        *_label(lat),
    ]
    prev = lv.assign(period=lv["period"].map(lambda p: _shift_year(p, 1)))
    m = (
        _suffixed(lat[lat["measure"] == "growth_pct"], "_g", on)
        .merge(_suffixed(lv, "_l", on), on=on)
        .merge(_suffixed(prev, "_p", on), on=on)
        .merge(catalog.rename(columns={"code": "indicator_code"}), on="indicator_code")
    )
    m = m[m["kind"].isin(["flow", "stock"]) & (m["unit_l"] == m["unit_p"]) & (m["value_p"] > 0)]
    m = m.assign(implied=(m["value_l"] / m["value_p"] - 1) * 100)
    m = m.assign(
        diff=m["implied"] - m["value_g"],
        tol=m["growth_basis"].map(GROWTH_TOLERANCE_PP).astype(float),
    )
    # A growth stated as a bound (增长10%以上) is contradicted only from the other side.
    sign = m["qualifier_g"].map({"ge": -1, "gt": -1, "le": 1, "lt": 1}).astype(float)
    m = m.assign(excess=(m["diff"] * sign).fillna(m["diff"].abs()))
    name = _namer(catalog)
    alerts = []
    for r in m[m["excess"] > m["tol"]].to_dict("records"):
        key = _labelled({k: r[k] for k in ("indicator_code", "region", "period")}, r)
        vals = {"level": r["value_l"], "prior_level": r["value_p"], "growth_pct": r["value_g"]}
        fields = name(r["indicator_code"]) | _amount("level", r["value_l"], r["unit_l"])
        fields |= _amount("prior", r["value_p"], r["unit_l"]) | {"growth": r["value_g"]}
        fields |= {"implied": r["implied"], "gap": abs(r["diff"]), "tol": r["tol"]}
        fields |= {"basis": r["growth_basis"], "basis_zh": BASIS_ZH[r["growth_basis"]]}
        sev = _severity(r["excess"], r["tol"])
        alerts.append(
            _alert("level_growth_mismatch", sev, key, vals, fields, _evidence(r, "_l", "_g", "_p"))
        )
    return _frame(alerts)


def target_missed(targets: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """Targets the warehouse judged missed (targets_vs_actuals), worded for a person.

    Met or missed is decided once, in the view's SQL (target_met); this rule only words the
    verdict, so an analyst and an alert receiver read one answer. `targets` holds the view's
    missed rows whose actual is final or preliminary (alerts.READS): an estimate is not
    judged. Above the band of a target without a direction is news, not a failure (info);
    a miss is graded by its size (TARGET_MISS_SEVERITY).
    """
    name = _namer(catalog)
    alerts = []
    targets = targets.rename(
        columns={
            "actual_status": "status_a",
            "target_evidence": "evidence_t",
            "target_document_id": "document_id_t",
            "actual_evidence": "evidence_a",
            "actual_document_id": "document_id_a",
        }
    )
    for r in targets.to_dict("records"):
        t, a, q, u = r["target_value"], r["actual_value"], r["qualifier"], r["unit"]
        high = r["target_value_high"]
        top = t if pd.isna(high) else high
        direction = r["direction"] if isinstance(r["direction"], str) else None
        over = q in ("eq", "approx") and direction is None and a > top
        rate = r["measure"] in ("growth_pct", "pp_change") or u in RATE_UNITS
        miss = _shortfall(q, direction, t, top, a)
        size = miss if rate or not t else miss / abs(t)
        key = {k: r[k] for k in ("indicator_code", "region", "period", "measure", "unit")}
        vals = {"target": t, "target_high": high, "qualifier": q, "actual": a}
        fields = name(r["indicator_code"]) | _amount("target", t, u) | _amount("actual", a, u)
        fields |= {"qualifier_zh": QUALIFIER_ZH[q], "qualifier_en": QUALIFIER_EN[q]}
        fields |= {
            "status": r["status_a"],
            "status_zh": "实际" if r["status_a"] == "actual" else "初步核算",
        }
        gap = _gap(size, 0.0, rate)
        fields |= {
            "verdict_zh": "超出目标区间" if over else f"未完成目标，差{gap['size_zh']}",
            "verdict_en": "above the target band" if over else f"missed by {gap['size_en']}",
        }
        if over:
            fields |= {"rule_zh": "超出目标区间", "rule_en": "Above the target band"}
        sev = "info" if over else _graded(size, TARGET_MISS_SEVERITY["pp" if rate else "rel"])
        alerts.append(_alert("target_missed", sev, key, vals, fields, _evidence(r, "_a", "_t")))
    return _frame(alerts)


def _shortfall(qualifier: str, direction: str | None, lo: float, hi: float, actual: float) -> float:
    """How far the actual fell on the wrong side of the target (its low end lo, high end hi),
    the side that targets_vs_actuals judged by (target_met): the qualifier's, else the
    direction's, else whichever side of the band the actual left."""
    if qualifier in ("ge", "gt") or (qualifier in ("eq", "approx") and direction == "more"):
        return lo - actual
    if qualifier in ("le", "lt") or direction == "less":
        return actual - hi
    return max(lo - actual, actual - hi)


def large_revision(revisions: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """The latest change of each series (the revisions view), when it passes the threshold.

    The view pairs vintages once for analysts and alerts alike; restating the same value is no
    revision there. A target's revision is its own series (role target).
    """
    last = revisions.rename(
        columns={
            "revised_value": "value",
            "previous_evidence": "evidence_prev",
            "revised_evidence": "evidence",
            "previous_document_id": "document_id_prev",
            "revised_document_id": "document_id",
        }
    )
    rate = last["measure"].isin(["growth_pct", "pp_change"]) | last["unit"].isin(RATE_UNITS)
    d = last["change"]
    last = last.assign(rate=rate, size=np.where(rate, d.abs(), (d / last["previous_value"]).abs()))
    last = last.assign(limit=np.where(rate, REVISION_PP, REVISION_REL))
    last = last.assign(role=np.where(last["series_kind"] == "target", "target", "outcome"))
    name = _namer(catalog)
    alerts = []
    for r in last[last["size"] > last["limit"]].to_dict("records"):
        key = _labelled({k: r[k] for k in KEY}, r)
        vals = {"previous": r["previous_value"], "revised": r["value"]}
        fields = name(r["indicator_code"]) | _gap(r["size"], r["limit"], r["rate"])
        fields |= _amount("old", r["previous_value"], r["unit"])
        fields |= _amount("new", r["value"], r["unit"])
        fields |= {
            "old_on": _day(r["previous_published_on"]),
            "new_on": _day(r["revised_published_on"]),
        }
        sev = _graded(r["size"], REVISION_SEVERITY["pp" if r["rate"] else "rel"])
        alerts.append(_alert("large_revision", sev, key, vals, fields, _evidence(r, "", "_prev")))
    return _frame(alerts)


def _day(d):
    """A date as DuckDB hands it to pandas (a Timestamp) or as a plain date."""
    return d.date() if hasattr(d, "date") else d


def robust_z(history: np.ndarray, x: float) -> float:
    """Median and MAD, unlike mean and sd, are not dragged along by the outliers sought."""
    med = float(np.median(history))
    mad = max(float(np.median(np.abs(history - med))), MAD_FLOOR_PP)
    return 0.6745 * (x - med) / mad


def growth_outlier(obs: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """Each period's growth against the earlier periods of the same series."""
    lat = latest(vintages(obs))
    g = lat[(lat["role"] == "outcome") & (lat["measure"] == "growth_pct")].sort_values("period")
    name = _namer(catalog)
    alerts = []
    by = ["indicator_code", "region", "period_type"]
    for _, s in g.groupby(by + _label(g)):
        vals, rows = s["value"].to_numpy(), s.to_dict("records")
        for i in range(OUTLIER_MIN_HISTORY, len(s)):
            z, r = robust_z(vals[:i], vals[i]), rows[i]
            if abs(z) <= OUTLIER_Z:
                continue
            key = _labelled({k: r[k] for k in ("indicator_code", "region", "period", "measure")}, r)
            med = float(np.median(vals[:i]))
            fields = name(r["indicator_code"]) | {"growth": r["value"], "median": med}
            fields |= {"n": i, "z": z, "limit": OUTLIER_Z}
            vals_ = {"growth_pct": r["value"], "median": med}
            sev = _severity(abs(z), OUTLIER_Z)
            alerts.append(_alert("growth_outlier", sev, key, vals_, fields, [r]))
    return _frame(alerts)


def implausible_value(obs: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """Values no economy produces are extraction errors more often than news."""
    lat = latest(vintages(obs))
    by_code = catalog.set_index("code")
    lat = lat.assign(
        kind=lat["indicator_code"].map(by_code["kind"]),
        category=lat["indicator_code"].map(by_code["category"]),
    )
    growth = (lat["measure"] == "growth_pct") & (lat["period_type"] != "span")  # as validation
    growth &= ~lat["value"].between(*rules.GROWTH_PCT_BOUNDS)
    rate = (lat["measure"] == "level") & (lat["unit"] == "%") & (lat["kind"] == "rate")
    rate &= ~lat["category"].isin(rules.RATE_CATEGORIES_NOT_BOUNDED)
    rate &= ~lat["value"].between(*rules.RATE_PCT_BOUNDS)
    name = _namer(catalog)
    alerts = []
    for r in lat[growth | rate].to_dict("records"):
        lo, hi = rules.GROWTH_PCT_BOUNDS if r["measure"] == "growth_pct" else rules.RATE_PCT_BOUNDS
        key = _labelled({k: r[k] for k in KEY}, r)
        fields = name(r["indicator_code"]) | {"value": r["value"], "lo": lo, "hi": hi}
        alerts.append(
            _alert("implausible_value", "critical", key, {"value": r["value"]}, fields, [r])
        )
    return _frame(alerts)


def parts_sum_mismatch(obs: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """Parts stated as levels must sum to the whole; parts stated as shares to 100."""
    lat = latest(vintages(obs))
    lat = lat[(lat["role"] == "outcome") & (lat["measure"] == "level")]
    on = ["region", "period", "unit", *_label(lat)]
    alerts = []
    for whole, parts in PART_GROUPS:
        p = lat[lat["indicator_code"].isin(parts)]
        sums = p.groupby(on, as_index=False).agg(total=("value", "sum"), n=("value", "size"))
        w = lat[lat["indicator_code"] == whole][[*on, "value"]]
        m = sums[sums["n"] == len(parts)].merge(w, on=on, how="left")
        share = m["unit"] == "%"
        m = m.assign(share=share, value=m["value"].where(~share, 100.0)).dropna(subset=["value"])
        m = m.assign(
            size=np.where(
                m["share"], (m["total"] - 100).abs(), (m["total"] / m["value"] - 1).abs()
            ),
            limit=np.where(m["share"], SHARES_SUM_PP, PARTS_SUM_REL),
        )
        for r in m[m["size"] > m["limit"]].to_dict("records"):
            at = (lat[on] == pd.Series({k: r[k] for k in on})).all(axis=1)
            at &= lat["indicator_code"].isin([whole, *parts])
            rows = lat[at].to_dict("records")
            alerts.append(_parts_alert(whole, parts, r, rows, _namer(catalog)))
    return _frame(alerts)


def _parts_alert(whole: str, parts: tuple, r: dict, rows: list, name) -> dict:
    u = r["unit"]
    key = {"indicator_code": whole, "region": r["region"], "period": r["period"], "unit": u}
    key = _labelled(key, r)
    fields = name(whole) | _gap(r["size"], r["limit"], r["share"]) | _amount("sum", r["total"], u)
    fields |= _amount("whole", r["value"], u)
    if not r["share"]:
        fields["whole_zh"] = fields["name_zh"] + fields["whole_zh"]
    fields |= {
        "parts_zh": "、".join(name(p)["name_zh"] for p in parts),
        "parts_en": ", ".join(parts),
    }
    vals = {"sum": r["total"], "whole": r["value"]}
    sev = _severity(r["size"], r["limit"])
    return _alert("parts_sum_mismatch", sev, key, vals, fields, rows)


def source_failed(sources: pd.DataFrame) -> pd.DataFrame:
    """Keyed by source only: error texts carry addresses and timings that differ nightly."""
    alerts = []
    for r in sources[sources["last_status"] == "failed"].to_dict("records"):
        key = {"source_id": r["source_id"], "region": r["region"]}
        fields = {"url": r["url"], "fetched_at": r["last_fetched_at"], "error": r["last_error"]}
        alerts.append(_alert("source_failed", "warning", key, {}, fields))
    return _frame(alerts)


def source_stale(sources: pd.DataFrame, documents: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """No new document well after the next release was due: the source moved or stopped.

    Only sources that keep publishing are judged (not SINGLE_DOCUMENT_KINDS; a listing has no
    kind of its own), and only by a cadence they declare.
    """
    dated = documents.assign(on=documents["published_on"].fillna(documents["fetched_at"]))
    last_on = dated.groupby("source_id", as_index=False).agg(last_on=("on", "max"))
    s = sources[~sources["kind"].isin(SINGLE_DOCUMENT_KINDS)].merge(last_on, on="source_id")
    cadence = s["cadence"].str.lower()
    # float, not the dtype of an empty map: a registry of single documents leaves no row
    s = s.assign(
        every=cadence.map(CADENCE_DAYS).astype(float), grace=cadence.map(GRACE_DAYS).astype(float)
    )
    s = s.dropna(subset=["last_on", "every"])
    s = s.assign(days=(pd.Timestamp(now) - s["last_on"]).dt.days, limit=s["every"] + s["grace"])
    alerts = []
    for r in s[s["days"] > s["limit"]].to_dict("records"):
        key = {"source_id": r["source_id"], "region": r["region"]}
        last_on, limit = r["last_on"].date(), int(r["limit"])
        expected_on = last_on + timedelta(days=int(r["every"]))
        fields = {"cadence": r["cadence"], "last_on": last_on, "days": r["days"], "limit": limit}
        fields |= {"expected_on": expected_on}
        sev = _severity(r["days"] - limit, limit)
        alerts.append(_alert("source_stale", sev, key, {"last_document_on": str(last_on)}, fields))
    return _frame(alerts)


def validation_failed(
    quarantine: pd.DataFrame, run_id: str | None = None, documents: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One alert per document and expectation, since one bad table fails many rows at once.
    The heading names the document by its title when `documents` knows it."""
    titles = {} if documents is None else documents.set_index("document_id")["title"].to_dict()
    q = quarantine[quarantine["stage"] == "validate"]
    if run_id is not None:
        q = q[q["run_id"] == run_id]
    alerts = []
    for (doc, exp), g in q.groupby(["document_id", "failed_expectation"], dropna=False):
        codes, periods = g["indicator_code"].dropna().unique(), g["period"].dropna().unique()
        key = {"document_id": doc, "expectation": exp}
        key |= {"indicator_code": codes[0] if len(codes) == 1 else None}
        key |= {"period": periods[0] if len(periods) == 1 else None}
        fields = {"doc": str(doc)[:12], "n": len(g), "reason": g["reason"].iloc[0]}
        title = titles.get(doc)
        fields |= {"name": title} if isinstance(title, str) and title else {}
        rows = g.head(5).to_dict("records")
        alerts.append(_alert("validation_failed", "warning", key, {"rows": len(g)}, fields, rows))
    return _frame(alerts)


def document_rejected(documents: pd.DataFrame) -> pd.DataFrame:
    """A rejected document withholds every figure it states, so it is critical."""
    alerts = []
    for r in documents[documents["status"] == "rejected"].to_dict("records"):
        key = {"document_id": r["document_id"], "region": r["region"]}
        name = r["title"] if isinstance(r["title"], str) else r["url"]
        fields = {"name": name, "source_id": r["source_id"], "error": r["error"]}
        alerts.append(
            _alert("document_rejected", "critical", key, {"error": r["error"]}, fields, [r])
        )
    return _frame(alerts)


OBSERVATION_RULES = (
    level_growth_mismatch,
    growth_outlier,
    implausible_value,
    parts_sum_mismatch,
)
# The rules whose alerts are about one indicator in one region: an incremental detection reads,
# and may close the alerts of, only the indicators and regions loaded since the last one.
SCOPED_RULES = (*(r.__name__ for r in OBSERVATION_RULES), "target_missed", "large_revision")


def scope(touched: pd.DataFrame) -> pd.DataFrame:
    """The (indicator_code, region) pairs an incremental detection reads: those loaded since
    the last detection, and every other member of a parts-of-whole group one of them belongs
    to (a sum needs all its parts, and the whole's alert is filed under the whole)."""
    pairs = set(zip(touched["indicator_code"], touched["region"], strict=True))
    for whole, parts in PART_GROUPS:
        members = {whole, *parts}
        regions = {region for code, region in pairs if code in members}
        pairs |= {(code, region) for code in members for region in regions}
    return pd.DataFrame(sorted(pairs), columns=["indicator_code", "region"])


RULES_READ_FROM_CATALOG = ("code", "name_zh", "name_en", "unit", "kind", "growth_basis", "category")


def rules_version(catalog: pd.DataFrame) -> str:
    """A digest of what decides an anomaly: this module and validation's bounds and groups
    (their source), and the catalog the rules read. When it changes, every series is judged
    again (a full detection), not only those loaded since the last one."""
    digest = hashlib.sha256()
    for module in (__file__, rules.__file__):
        digest.update(Path(module).read_bytes())
    # the columns the rules read, in one order: the catalog file and the indicators table
    # (what `zhibiao alerts detect` falls back to) must give one version
    read = catalog[[c for c in RULES_READ_FROM_CATALOG if c in catalog]].astype(str)
    digest.update(read.sort_values("code").to_csv(index=False).encode("utf-8"))
    return digest.hexdigest()[:16]


def detect_all(
    obs: pd.DataFrame,
    targets: pd.DataFrame,
    revisions: pd.DataFrame,
    catalog: pd.DataFrame,
    sources: pd.DataFrame,
    documents: pd.DataFrame,
    quarantine: pd.DataFrame,
    now: datetime,
    run_id: str | None = None,
) -> pd.DataFrame:
    """Every rule over one state of the warehouse; the union is what is anomalous now."""
    frames = [rule(obs, catalog) for rule in OBSERVATION_RULES] + [
        target_missed(targets, catalog),
        large_revision(revisions, catalog),
        source_failed(sources),
        source_stale(sources, documents, now),
        validation_failed(quarantine, run_id, documents),
        document_rejected(documents),
    ]
    frames = [f for f in frames if not f.empty]
    out = pd.concat(frames, ignore_index=True) if frames else _frame([])
    return out.drop_duplicates("fingerprint", ignore_index=True)
