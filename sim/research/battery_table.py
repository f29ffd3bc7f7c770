"""The directional battery's output (sim/research/battery.py runs it): its table with the
legend and last lines, its headline, and what `--strict` reads. Claims are scored;
mechanism checks are shown and counted apart."""

from __future__ import annotations

from sim.research.battery import LHS, ROBUST_SHARE, THRESHOLDS, ClaimsFile, Outcome, rule_text


def scored(outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes that count: claims of the report (mechanisms are reported apart)."""
    return [o for o in outcomes if o.claim.kind == "claim"]


def claims_fail(outcomes: list[Outcome]) -> bool:
    """True when a scored claim fails (what `--strict` reads); mechanisms never count."""
    return not all(o.passed for o in scored(outcomes))


def headline(doc: ClaimsFile) -> str:
    """'N claims of the report' (and 'M mechanism checks' when there are some)."""
    n = sum(c.kind == "claim" for c in doc.claims)
    m = len(doc.claims) - n
    text = f"{n} claim{'' if n == 1 else 's'} of the report"
    return text + (f" and {m} mechanism check{'' if m == 1 else 's'}" if m else "")


def table(outcomes: list[Outcome], runs: int, samples: int, runs_per_point: int, sampled=LHS):
    """The table, its legend (`sampled`: what the robust check's sets are) and last line."""
    head = (
        f"{'claim':<38} {'kind':<5} {'source':<30} {'rule':<42} {'effect':>7} "
        f"{'90% range':<17} {'robust':>7}  result"
    )
    lines = [head, "-" * len(head)]
    claims = scored(outcomes)
    mechanisms = [o for o in outcomes if o.claim.kind == "mechanism"]

    def row(o: Outcome) -> None:
        c = o.claim
        src = c.source if len(c.source) <= 30 else c.source[:29] + "…"
        if o.effect is None:
            eff, rng, rob = f"{'-':>7}", f"{'':<17}", f"{'-':>7}"
        else:
            eff = f"{o.effect:>+7.3f}"
            rng = f"[{o.low:+.3f}, {o.high:+.3f}]"
            rob = f"{round(o.robust_share * samples):>3}/{samples:<3}"
        result = "pass" if o.passed else ("FAIL" if not o.holds_point else "FAIL robust")
        kind = "claim" if c.kind == "claim" else "mech"
        lines.append(
            f"{c.id:<38} {kind:<5} {src:<30} {rule_text(c):<42} {eff} {rng:<17} {rob}  {result}"
        )
        if o.reason:
            lines.append(f"{'':<4}why: {o.reason}")

    for o in claims:
        row(o)
    if mechanisms:
        lines.append(
            "-- mechanisms (mech): checks of the model's own parameters and rules, not claims "
            "of the report; not scored"
        )
        for o in mechanisms:
            row(o)
    n = len(claims)
    point = sum(o.holds_point for o in claims)
    robust = sum(o.holds_robust for o in claims)
    lines += [
        "",
        f"effect: mean paired difference over {runs} runs at the point estimates (signed: "
        "difference in shares); 90% range: 5-95% of per-run differences (signed: bootstrap "
        "interval);",
        f"robust: the number of the {samples} {sampled} "
        f"({runs_per_point} runs each) at which the rule holds; thresholds "
        + ", ".join(f"{k} {v:g}" for k, v in THRESHOLDS.items())
        + f"; robust when >= {ROBUST_SHARE:.0%}.",
    ]
    if mechanisms:
        m = len(mechanisms)
        lines.append(
            f"mechanisms: {sum(o.holds_point for o in mechanisms)}/{m} hold at the point "
            f"estimates; {sum(o.holds_robust for o in mechanisms)}/{m} across the plausible "
            "ranges (not scored)"
        )
    lines.append(
        f"battery: {point}/{n} hold at the point estimates; {robust}/{n} hold across the "
        "plausible ranges"
    )
    return "\n".join(lines)
