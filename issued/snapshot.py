"""The frozen figures of an issued report, and how today's data differ from them.

A snapshot keeps numbers and codes only in `figures` (what is compared) and the names shown
beside them in `names`, so comparing does not depend on the language of the page."""

import hashlib
import json


def snapshot(ctx: dict) -> dict:
    """The figures a report shows (reports.context.report_context), as plain JSON."""
    f = ctx["figures"]

    def headline(h) -> dict:
        return {
            "communes": h.communes,
            "certified": h.certified,
            "criteria_total": h.criteria_total,
            "average": str(h.average),
        }

    return {
        # The day the figures are taken on (from 12/2026; older snapshots: the report's own
        # day), under the hash with them.
        "as_at": ctx["as_at"].isoformat(),
        "figures": {
            "year": f.year,
            "criteria_set": f.criteria_set.code,
            "headline": headline(f.headline)
            | {
                "carried_forward": f.headline.carried_forward,
                "not_assessed": f.headline.not_assessed,
            },
            "previous": headline(f.previous),
            "tiers": {t.tier: t.count for t in f.tiers},
            "bands": [[b.band.low, b.band.high, b.count] for b in f.bands],
            "per_criterion": {str(r.number): r.count for r in f.per_criterion},
            "areas": {a.code: headline(a.headline) for a in f.areas},
            "communes": {
                c.code: {
                    "met": c.met,
                    "met_year": c.met_year,
                    "tier": c.tier,
                    "missing": list(c.missing),
                }
                for c in f.communes
            },
            "plans": [
                {
                    "tier": p.plan.tier,
                    "target_certified": p.plan.target_certified,
                    "certified": p.certified,
                    "target_average": None
                    if p.plan.target_average is None
                    else str(p.plan.target_average),
                    "average": str(p.average),
                }
                for p in ctx.get("plans", [])
            ],
        },
        "names": {c.code: c.name for c in f.communes},
    }


def canonical(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256(data: dict) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def changed_communes(frozen: dict, today: dict) -> list[dict]:
    """Communes whose row differs between the frozen snapshot and today's (or that appear in
    only one of them), by code."""
    before = frozen["figures"].get("communes", {})
    now = today["figures"].get("communes", {})
    names = frozen.get("names", {}) | today.get("names", {})
    out = []
    for code in sorted(set(before) | set(now)):
        if before.get(code) != now.get(code):
            out.append(
                {
                    "code": code,
                    "name": names.get(code, code),
                    "before": before.get(code),
                    "now": now.get(code),
                }
            )
    return out
