"""The studio's share link, decoded as src/engine/config-url.ts decodes it, from link_spec.json only.

Decoding never raises: a bad or unknown key falls back to the preset's value and is reported in
``ignored`` with the same reason text as the studio shows. ``python -m sparse_vit.link`` reads a
JSON list of links on stdin and prints their decodings (the corpus test drives it so).
"""
from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .jsnum import as_js_number, is_finite, is_integer, js_number, js_str, js_trim

SPEC: dict[str, Any] = json.loads((Path(__file__).with_name("link_spec.json")).read_text(encoding="utf-8"))
FIELDS: list[dict[str, Any]] = SPEC["fields"]
PRESETS: list[str] = SPEC["enums"]["presets"]
UI_KEYS: list[str] = SPEC["uiKeys"]
REASONS: dict[str, str] = SPEC["reasons"]  # config-url.ts REASONS: the fixed notice texts


@dataclass
class DecodedLink:
    config: dict[str, Any]
    ignored: list[dict[str, str]] = field(default_factory=list)
    extras: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"config": self.config, "ignored": self.ignored, "extras": self.extras}


def preset_config(name: str) -> dict[str, Any]:
    return dict(SPEC["presets"][name])


def link_format(v: object) -> str:
    """A value as a link writes it (config-url.ts `format`)."""
    if isinstance(v, bool):
        return "1" if v else "0"
    if is_integer(v) and abs(v) >= 1e21:  # type: ignore[arg-type]
        return str(int(v))  # type: ignore[arg-type]
    return js_str(v)


def field_by_name(name: str) -> dict[str, Any] | None:
    return next((f for f in FIELDS if f["key"] == name or f["field"] == name), None)


def parse_field_value(f: dict[str, Any], raw: str) -> tuple[bool, Any]:
    """(True, value) or (False, why it was refused)."""
    kind = f["type"]
    if kind == "int":
        digits = js_trim(raw)
        if not re.fullmatch(r"-?[0-9]+", digits):
            return False, "not a whole number"
        value = as_js_number(int(digits))
        if isinstance(value, float) and int(value) != int(digits):  # past 2^53 a double rounds it: refused
            return False, REASONS["inexactWhole"]
        return True, value
    if kind == "float":
        x = js_number(raw)
        if js_trim(raw) == "" or not is_finite(x):
            return False, "not a number"
        return True, x
    if kind == "bool":
        low = raw.lower()
        if low in ("1", "true", "yes", "on"):
            return True, True
        if low in ("0", "false", "no", "off"):
            return True, False
        return False, "not a boolean (use 1 or 0)"
    values = f["values"]
    return (True, raw) if raw in values else (False, f"not one of {', '.join(values)}")


def _split_link(link: str) -> tuple[str, str, list[dict[str, str]]]:
    """config-url.ts splitLink: query, fragment, and what of the link is not read (a bare word
    before a '?', a doubled '?')."""
    s = js_trim(link)
    unread: list[dict[str, str]] = []
    if s.startswith("#"):
        return s[1:], "", unread
    h = s.find("#")
    body, fragment = (s, "") if h < 0 else (s[:h], s[h + 1:])
    q = body.find("?")
    if q >= 0 and not re.search(r"[=&]", body[:q]):
        before = body[:q]
        if before and not re.search(r"[/:.]", before):
            unread.append({"key": before, "value": "", "reason": REASONS["beforeQuestion"]})
        query = body[q + 1:]
        if query.startswith("?"):
            unread.append({"key": "??", "value": "", "reason": REASONS["doubledQuestion"]})
            query = query.lstrip("?")
        return query, fragment, unread
    if q < 0 and re.match(r"[a-z][a-z0-9+.-]*://", body, re.IGNORECASE | re.ASCII):
        return "", fragment, unread
    return body, fragment, unread


def _decode_component(s: str) -> str:
    """decodeURIComponent after '+' → ' '; the raw text when it does not decode."""
    t = s.replace("+", " ")
    out: list[str] = []
    i = 0
    while i < len(t):
        if t[i] != "%":
            out.append(t[i])
            i += 1
            continue
        raw = bytearray()
        while i < len(t) and t[i] == "%":
            hx = t[i + 1:i + 3]
            if len(hx) < 2 or not re.fullmatch(r"[0-9a-fA-F]{2}", hx, re.ASCII):
                return s
            raw.append(int(hx, 16))
            i += 3
        try:
            out.append(raw.decode("utf-8", errors="strict"))
        except UnicodeDecodeError:
            return s
    return "".join(out)


def _parse_query(q: str) -> list[tuple[str, str]]:
    pairs = []
    for p in q.split("&"):
        if not p:
            continue
        eq = p.find("=")
        pairs.append((_decode_component(p), "") if eq < 0 else (_decode_component(p[:eq]), _decode_component(p[eq + 1:])))
    return pairs


def escape_controls(s: str) -> str:
    """config-url.ts escapeControls: control characters as a link escapes them (%07), so a notice
    printed to a terminal cannot ring, erase or restyle it."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), s)


def _given(what: str, used: str) -> str:
    return f"{what} is given again later in the link; using the later {used}"


def decode_link(link: str) -> DecodedLink:
    query, fragment, unread = _split_link(link)
    pairs = _parse_query(query)
    ignored: list[dict[str, str]] = list(unread)
    if fragment:
        ignored.append({"key": "#", "value": fragment, "reason": REASONS["afterHash"]})

    def last_of(k: str) -> str | None:
        values = [v for key, v in pairs if key == k]
        for v in values[:-1]:
            ignored.append({"key": k, "value": v, "reason": _given(k, f"{k}={values[-1]}")})
        return values[-1] if values else None

    version = last_of("v")
    if version is not None and version != str(SPEC["version"]):
        ignored.append({"key": "v", "value": version,
                        "reason": f"link version {version}; this studio reads version {SPEC['version']}, fields it does not know are ignored"})
    preset_raw = last_of("p")
    preset = SPEC["defaultPreset"]
    if preset_raw is not None:
        if preset_raw in PRESETS:
            preset = preset_raw
        else:
            ignored.append({"key": "p", "value": preset_raw,
                            "reason": f"unknown preset; using {SPEC['defaultPreset']} (presets: {', '.join(PRESETS)})"})
    config = preset_config(preset)
    extras: dict[str, str] = {}
    seed_from: tuple[str, str] | None = None
    from_link: dict[str, tuple[str, str]] = {}
    for key, raw in pairs:
        if key in ("v", "p"):
            continue
        if key in UI_KEYS:
            if key in extras:
                ignored.append({"key": key, "value": extras[key], "reason": _given(key, f"{key}={raw}")})
            extras[key] = raw
            continue
        if key in ("s", "seed"):
            if not re.fullmatch(r"[0-9]+", raw) or int(raw) >= 2 ** 32:
                ignored.append({"key": key, "value": raw, "reason": f"seed must be a whole number in [0, 2^32); using {js_str(config['seed'])}"})
                continue
            if seed_from:
                ignored.append({"key": seed_from[0], "value": seed_from[1], "reason": _given("seed", f"{key}={raw}")})
            seed_from = (key, raw)
            config["seed"] = int(raw)
            continue
        f = field_by_name(key)
        if f is None:
            ignored.append({"key": key, "value": raw, "reason": REASONS["unknownKey"]})
            continue
        ok, parsed = parse_field_value(f, raw)
        if not ok:
            ignored.append({"key": key, "value": raw, "reason": f"{f['field']}: {parsed}; using {link_format(config[f['field']])}"})
            continue
        before = from_link.get(f["field"])  # re-setting keeps its place, as a JS Map does
        if before:
            ignored.append({"key": before[0], "value": before[1], "reason": _given(f["field"], f"{key}={raw}")})
        config[f["field"]] = parsed
        from_link[f["field"]] = (key, raw)
    _put_back_until_valid(config, from_link, ignored)
    return DecodedLink(config, ignored, extras)


def _put_back_until_valid(config: dict[str, Any], from_link: dict[str, tuple[str, str]], ignored: list[dict[str, str]]) -> None:
    base = preset_config(config["preset"])
    issues = validate_config(config)
    while issues and from_link:
        field_name = _culprit(config, issues, list(from_link), base)
        after = {i["message"] for i in validate_config({**config, field_name: base[field_name]})}
        resolved = [i for i in issues if i["message"] not in after]
        issue = (next((i for i in resolved if i["field"] == field_name), None) or (resolved[0] if resolved else None)
                 or next((i for i in issues if i["field"] == field_name), None) or issues[0])
        key, raw = from_link.pop(field_name)
        ignored.append({"key": key, "value": raw,
                        "reason": f"{issue['message']}; using the preset's {field_name} {link_format(base[field_name])}"})
        config[field_name] = base[field_name]
        issues = validate_config(config)


def _culprit(config: dict[str, Any], issues: list[dict[str, str]], link_fields: list[str], base: dict[str, Any]) -> str:
    best, best_score = link_fields[-1], float("inf")
    for f in link_fields:
        score = 2 * len(validate_config({**config, f: base[f]})) + (0 if any(i["field"] == f for i in issues) else 1)
        if score <= best_score:
            best, best_score = f, score
    return best


def divisors(n: int, largest: int) -> list[int]:
    return [d for d in range(1, min(n, largest) + 1) if n % d == 0]


def validate_config(c: dict[str, Any]) -> list[dict[str, str]]:
    """config.ts validateConfig, in its order, with its messages; the limits come from the spec."""
    out: list[dict[str, str]] = []
    enums = SPEC["enums"]

    def need(ok: bool, f: str, message: str) -> None:
        if not ok:
            out.append({"field": f, "message": message})

    def pos_int(f: str) -> None:
        v, top = c[f], SPEC["intLimits"][f]
        need(is_integer(v) and 1 <= v <= top, f, f"{f} must be a whole number from 1 to {js_str(top)} (got {js_str(v)})")

    def frac(f: str) -> None:
        v, r = c[f], SPEC["realRanges"][f]
        ok = is_finite(v) and (v > r["lo"] if r["loOpen"] else v >= r["lo"]) and v <= r["hi"]
        need(ok, f, f"{f} must be in {'(' if r['loOpen'] else '['}{js_str(r['lo'])}, {js_str(r['hi'])}] (got {js_str(v)})")

    def one_of(f: str, enum: str) -> None:
        need(c[f] in enums[enum], f, f"{f} must be one of {', '.join(enums[enum])} (got {js_str(c[f])})")

    def listed(vals: list[int]) -> str:
        return ", ".join(js_str(d) for d in vals)

    for f in ("imageSize", "patchSize", "embedDim", "depth", "numHeads", "numClasses"):
        pos_int(f)
    need(c["inChans"] in (1, 3) and not isinstance(c["inChans"], bool), "inChans", f"inChans must be 1 or 3 (got {js_str(c['inChans'])})")
    frac("mlpRatio")
    if is_integer(c["embedDim"]) and c["embedDim"] >= 1 and is_finite(c["mlpRatio"]) and c["mlpRatio"] > 0:
        need(math.floor(c["embedDim"] * c["mlpRatio"]) >= 1, "mlpRatio",
             f"mlpRatio {js_str(c['mlpRatio'])} gives an MLP of no neurons (embedDim {js_str(c['embedDim'])} × {js_str(c['mlpRatio'])}, rounded down): "
             f"use mlpRatio ≥ {js_str(1 / c['embedDim'])} (timm's default is 4)")
    if is_integer(c["imageSize"]) and is_integer(c["patchSize"]) and c["patchSize"] > 0:
        need(c["imageSize"] % c["patchSize"] == 0, "patchSize",
             f"imageSize {js_str(c['imageSize'])} is not divisible by patchSize {js_str(c['patchSize'])}: pick a patch size that divides it (e.g. {listed(divisors(c['imageSize'], 64))})")
    if is_integer(c["embedDim"]) and is_integer(c["numHeads"]) and c["numHeads"] > 0:
        need(c["embedDim"] % c["numHeads"] == 0, "numHeads",
             f"embedDim {js_str(c['embedDim'])} is not divisible by numHeads {js_str(c['numHeads'])}: pick a head count that divides it (e.g. {listed(divisors(c['embedDim'], 16))})")
    need(c["dataset"] in enums["datasets"], "dataset", f"dataset must be one of {', '.join(enums['datasets'])} (got {c['dataset']})")
    if c["dataset"] != "synthetic" and c["dataset"] in enums["datasets"]:
        g = SPEC["datasetGeometry"][c["dataset"]]
        need(c["imageSize"] == g["imageSize"], "imageSize", f"{c['dataset']} images are {g['imageSize']}×{g['imageSize']}: set imageSize={g['imageSize']}")
        need(c["inChans"] == g["inChans"], "inChans", f"{c['dataset']} images have {g['inChans']} channel(s): set inChans={g['inChans']}")
        need(c["numClasses"] == g["numClasses"], "numClasses", f"{c['dataset']} has {g['numClasses']} classes: set numClasses={g['numClasses']}")
    elif c["dataset"] == "synthetic":
        need(c["numClasses"] == 10 or c["preset"].startswith("deit"), "numClasses", "the synthetic set has 10 classes: set numClasses=10")
    need(is_integer(c["trainSize"]) and c["trainSize"] >= 0, "trainSize", f"trainSize must be a whole number ≥ 0 (0 = all); got {js_str(c['trainSize'])}")
    pos_int("steps")
    pos_int("batchSize")
    frac("lr")
    need(is_finite(c["minLr"]) and 0 <= c["minLr"] <= c["lr"], "minLr", f"minLr must be between 0 and lr (got {js_str(c['minLr'])})")
    frac("weightDecay")
    need(is_integer(c["warmupSteps"]) and c["warmupSteps"] >= 0, "warmupSteps", f"warmupSteps must be a whole number ≥ 0 (got {js_str(c['warmupSteps'])})")
    need(is_finite(c["labelSmoothing"]) and 0 <= c["labelSmoothing"] < 1, "labelSmoothing", f"labelSmoothing must be in [0, 1) (got {js_str(c['labelSmoothing'])})")
    need(is_finite(c["clipNorm"]) and c["clipNorm"] >= 0, "clipNorm", f"clipNorm must be ≥ 0 (0 = off); got {js_str(c['clipNorm'])}")
    need(is_integer(c["evalEvery"]) and c["evalEvery"] >= 0, "evalEvery", f"evalEvery must be a whole number ≥ 0 (got {js_str(c['evalEvery'])})")
    need(is_integer(c["evalSize"]) and c["evalSize"] >= 0, "evalSize", f"evalSize must be a whole number ≥ 0 (got {js_str(c['evalSize'])})")
    need(is_integer(c["seed"]) and 0 <= c["seed"] < 2 ** 32, "seed", f"seed must be a whole number in [0, 2^32) (got {js_str(c['seed'])})")
    need(c["method"] in enums["methods"], "method", f"method must be one of {', '.join(enums['methods'])} (got {c['method']})")
    need(c["distribution"] in enums["distributions"], "distribution", f"distribution must be erk or uniform (got {c['distribution']})")
    need(c["growth"] in enums["growths"], "growth", f"growth must be gradient or random (got {c['growth']})")
    need(c["sparseMoments"] in enums["momentRules"], "sparseMoments", f"sparseMoments must be one of {', '.join(enums['momentRules'])} (got {c['sparseMoments']})")
    frac("density")
    frac("updateFraction")
    pos_int("updateInterval")
    frac("updateEnd")
    frac("attnDensity")
    frac("mlpDensity")
    frac("tokenKeep")
    frac("unitFraction")
    one_of("unitRounding", "unitRoundings")
    need(is_integer(c["unitCap"]) and c["unitCap"] >= 0, "unitCap", f"unitCap must be a whole number ≥ 0 (0 = no cap); got {js_str(c['unitCap'])}")
    one_of("unitInit", "unitInits")
    need(is_integer(c["unitProtect"]) and 0 <= c["unitProtect"] <= 1000, "unitProtect",
         f"unitProtect must be a whole number of updates from 0 to 1000 (got {js_str(c['unitProtect'])})")
    need(c["unitGrowth"] in enums["growths"], "unitGrowth", f"unitGrowth must be gradient or random (got {c['unitGrowth']})")
    one_of("neuronPrune", "neuronPruneScores")
    frac("tokenTauStart")
    frac("tokenTauEnd")
    need(is_finite(c["tokenNoise"]) and 0 <= c["tokenNoise"] <= 10, "tokenNoise", f"tokenNoise must be in [0, 10] (got {js_str(c['tokenNoise'])})")
    need(is_finite(c["tokenPrior"]) and 0 <= c["tokenPrior"] <= 1000, "tokenPrior", f"tokenPrior must be in [0, 1000] (0 = no positional bias; got {js_str(c['tokenPrior'])})")
    need(is_finite(c["tokenLr"]) and 0 <= c["tokenLr"] <= 100, "tokenLr", f"tokenLr must be in [0, 100] (a fraction of lr; 0 freezes the selector; got {js_str(c['tokenLr'])})")
    one_of("tokenSelector", "tokenSelectors")
    need(isinstance(c["regrowPruned"], bool), "regrowPruned", f"regrowPruned must be true or false (got {js_str(c['regrowPruned'])})")
    if c["method"] == "s2vite" and is_integer(c["numHeads"]):
        need(c["numHeads"] >= 2, "numHeads", f"S²ViTE prunes whole heads: it needs at least 2 heads per block (got {js_str(c['numHeads'])})")
    return out


def _main() -> None:
    links = json.load(sys.stdin)
    json.dump([decode_link(link).as_json() for link in links], sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    _main()


def encode_link(c: dict[str, Any]) -> str:
    """config-url.ts encodeConfig: v, p, the fields that differ from the preset, the seed."""
    from urllib.parse import quote
    base = preset_config(c["preset"])
    parts = [f"v={SPEC['version']}", f"p={c['preset']}"]
    parts += [f"{f['key']}={quote(link_format(c[f['field']]), safe=SAFE)}" for f in FIELDS if c[f["field"]] != base[f["field"]]]
    return "&".join(parts + [f"s={c['seed']}"])


SAFE = "-_.!~*'()"  # what encodeURIComponent leaves as it is
