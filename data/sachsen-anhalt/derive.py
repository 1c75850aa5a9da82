#!/usr/bin/python3
"""Regenerate the Brocken calibration CSVs for Saxony-Anhalt from the source tables in sources/.

Usage:  /usr/bin/python3 data/sachsen-anhalt/derive.py [SOURCE_DIR]
        (SOURCE_DIR defaults to the folder sources/ next to this script, i.e.
        data/sachsen-anhalt/sources, which holds verbatim copies of the public source tables;
        output goes next to this script.)

Standard library only. Every value is either copied from a source row (the script looks the
row up and asserts that the copied text is printed there) or computed by a rule stated in the
file comments and in README.md ("derived"). The script ends with a consistency report on stdout;
it exits non-zero if a check fails. README.md is written by hand and is NOT regenerated.
"""
import csv
import io
import os
import sys
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

SRC = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent / "sources"
OUT = os.path.dirname(os.path.abspath(__file__))

DISTRICTS = [  # ags, official name, kind
    ("15001", "Dessau-Roßlau", "kreisfreie_stadt"),
    ("15002", "Halle (Saale)", "kreisfreie_stadt"),
    ("15003", "Magdeburg", "kreisfreie_stadt"),
    ("15081", "Altmarkkreis Salzwedel", "landkreis"),
    ("15082", "Anhalt-Bitterfeld", "landkreis"),
    ("15083", "Börde", "landkreis"),
    ("15084", "Burgenlandkreis", "landkreis"),
    ("15085", "Harz", "landkreis"),
    ("15086", "Jerichower Land", "landkreis"),
    ("15087", "Mansfeld-Südharz", "landkreis"),
    ("15088", "Saalekreis", "landkreis"),
    ("15089", "Salzlandkreis", "landkreis"),
    ("15090", "Stendal", "landkreis"),
    ("15091", "Wittenberg", "landkreis"),
]
AGS = [d[0] for d in DISTRICTS]
FAILED = []


def check(cond, msg):
    print(("OK   " if cond else "FAIL ") + msg)
    if not cond:
        FAILED.append(msg)


def read(name):
    """Rows of a source CSV as dicts (comment lines skipped) and its comment lines."""
    with open(os.path.join(SRC, name), encoding="utf-8") as f:
        lines = f.read().splitlines()
    comments = [l for l in lines if l.startswith("#")]
    body = [l for l in lines if not l.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(body)))), comments


def find(rows, **crit):
    hit = [r for r in rows if all(r[k] == v for k, v in crit.items())]
    assert len(hit) == 1, (crit, len(hit))
    return hit[0]


def write(name, comments, header, rows):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        for c in comments:
            f.write("# " + c + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)
    print(f"wrote {name}: {len(rows)} rows")


def fmt(x, nd=2):
    """Round to nd decimals and drop trailing zeros (for derived numbers only)."""
    s = f"{x:.{nd}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


# ---------------------------------------------------------------- sources
pop_d, _ = read("district_population_zensus2022_basis.csv")
age_sex, _ = read("population_age_sex_saxony_anhalt_2023.csv")
life, _ = read("life_table_germany_2022_2024.csv")
e0, _ = read("life_expectancy_saxony_anhalt.csv")
asfr, _ = read("fertility_asfr_germany_2015_2024.csv")
tfr, _ = read("fertility_tfr.csv")
nat, _ = read("naturalisations.csv")
si, _ = read("state_indicators.csv")
di, _ = read("district_indicators.csv")
dx, _ = read("demography_extra.csv")
atlas, _ = read("district_structure_deutschlandatlas.csv")
azr, _ = read("foreign_population_azr.csv")
lmg, _ = read("labour_model_groups_district_2024_2025.csv")
lk3, _ = read("labour_district_kldb3_2024_2025.csv")
lbb, _ = read("labour_state_berufsbereich_2012_2025.csv")
lis, _ = read("labour_indicators_sourced.csv")
lmd, _ = read("labour_market_districts.csv")
mba, _ = read("migration_by_age.csv")
prbp, _ = read("projections_rbp.csv")
poth, _ = read("projections_other.csv")
core, _ = read("districts_core_2023.csv")

# ---------------------------------------------------------------- 1 districts.csv
pop22 = {}
for ags, name, kind in DISTRICTS:
    r = find(pop_d, ags=ags, reference_date="2022-12-31")
    check(r["district"] == name, f"district name {ags} {name} as in source")
    c = find(core, ags=ags)
    check(c["district"] == name, f"district name {ags} {name} as in StaLa districts_core_2023")
    check((c["type"].startswith("kreisfreie Stadt")) == (kind == "kreisfreie_stadt"), f"kind {ags}")
    pop22[ags] = int(r["population"])
check(sum(pop22.values()) == 2150239, f"sum districts 31.12.2022 = {sum(pop22.values())} (2150239)")
# 31.12.2023 on the Zensus-2022 basis: published only for the three kreisfreie Staedte; blank
# for the Landkreise (the model fills them by rule (b) of the README).
pop23 = {}
for r in di:
    if r["indicator"] == "population" and r["reference_date_or_period"] == "2023-12-31" and "Zensus 2022" in r["basis_or_note"]:
        pop23[r["ags"]] = int(r["value"])
check(sorted(pop23) == ["15001", "15002", "15003"], f"2023 city populations found for {sorted(pop23)}")
write(
    "districts.csv",
    [
        "Districts (Kreise) of Saxony-Anhalt in AGS order with population at 31.12.2022 on the Zensus-2022 basis.",
        "Population source: mietkautionskonto.info 'Wohnungsmarkt-Analyse der Kreise' (CC BY 4.0; underlying Destatis GENESIS 12411-0015/12411-0017 on the Zensus-2022 basis), field einwohner_2022, https://mietkautionskonto.info/data/wohnungsmarkt-kreise.json (republished in GitHub repo 1959124923wyz-sys/German-Map, topics/housing/data/stock-counties.json, commit bb30095c969e91b54416aaa8c0e651ed1a2b7b17); via data/sachsen-anhalt/sources/district_population_zensus2022_basis.csv.",
        "Reference date 31.12.2022; population basis Zensus 2022. The republication states only 'reference_period 2022-12-31 through 2025-12-31'; the date 31.12.2022 is inferred because the 14 values sum to 2150239 = StaLa's official 31.12.2022 state total on the Zensus-2022 basis (base of the 8th RBP; StaLa via hallanzeiger.de 27.05.2025, https://www.hallanzeiger.de/aktuelle_nachrichten_land_sachsen_anhalt/27-05-2025-prognose-sachsen-anhalts-bevoelkerungszahl-sinkt).",
        "Names and kind: Statistisches Landesamt Sachsen-Anhalt 'Kreisnamen und Kreissitze' (https://www.stala.sachsen-anhalt.de/gk/and/sitz.dr.html, 07.11.2024); AGS = official Kreisschluessel (Destatis Gemeindeverzeichnis). Magdeburg is the Landeshauptstadt.",
        "Check (derived): sum of the 14 values = 2150239.",
        "population_2023_12_31: 31.12.2023, Zensus-2022 basis, published only for the three kreisfreie Staedte (StaLa Gemeindeverzeichnis release 19.12.2024 as reported by die-nachrichten.at, https://die-nachrichten.at/deutschland/sachsen-anhalt-so-viele-menschen-leben-in-den-staedten-und-gemeinden; via data/sachsen-anhalt/sources/district_indicators.csv). Blank = not published in the sources available; the model fills these by rule (b) of README.md.",
    ],
    ["ags", "name", "kind", "population_2022_12_31", "population_2023_12_31"],
    [[a, n, k, pop22[a], pop23.get(a, "")] for a, n, k in DISTRICTS],
)

# ---------------------------------------------------------------- 2 population_age_sex.csv
pas = []
for r in age_sex:
    if r["age_from"] == "all":
        tot = r
        continue
    pas.append([int(r["age_from"]), int(r["population_male"]), int(r["population_female"])])
    assert int(r["population_male"]) + int(r["population_female"]) == int(r["population_total"]), r
check([p[0] for p in pas] == list(range(91)), "ages 0..90")
sm, sf = sum(p[1] for p in pas), sum(p[2] for p in pas)
check(sm == 1052254 and int(tot["population_male"]) == sm, f"male sum {sm} = 1052254")
check(sf == 1092316 and int(tot["population_female"]) == sf, f"female sum {sf} = 1092316")
check(sm + sf == 2144570, f"total {sm + sf} = 2144570")
write(
    "population_age_sex.csv",
    [
        "Population of Saxony-Anhalt (Land, AGS 15) by single year of age and sex. Reference date 31.12.2023; population basis Zensus 2022 (Fortschreibung des Bevoelkerungsstandes).",
        "Source: Destatis GENESIS-Online 12411-0013 'Bevoelkerung: Bundeslaender, Stichtag, Geschlecht, Altersjahre', https://www-genesis.destatis.de/datenbank/online/statistic/12411/table/12411-0013 (export in GitHub repo biostats-dev/ggsurveillance, data-raw/12411-0013_de_population_age_sex.csv, commit ce6ff959aa03786522c074ede1228cc47561e1da); via data/sachsen-anhalt/sources/population_age_sex_saxony_anhalt_2023.csv. Values unchanged.",
        "age = completed years; age 90 is the open group '90 Jahre und mehr' (90+). Units: persons.",
        "State totals (source row 'Insgesamt'): total 2144570, male 1052254, female 1092316. Check (derived): column sums equal these totals.",
    ],
    ["age", "male", "female"],
    pas,
)

# ---------------------------------------------------------------- 3 mortality_germany.csv
mort = [[int(r["age"]), r["qx_male"], r["qx_female"]] for r in life]
check([m[0] for m in mort] == list(range(101)), "life table ages 0..100")
write(
    "mortality_germany.csv",
    [
        "Period life table GERMANY 2022/24 (not Saxony-Anhalt): qx = probability of dying between exact age x and x+1, by sex.",
        "Source: Statistisches Bundesamt (Destatis), GENESIS 12621-0001 'Sterbetafel (Periodensterbetafel): Deutschland', period 2022/24, Stand 09.12.2025, https://www-genesis.destatis.de/datenbank/online/statistic/12621/table/12621-0001 (export stored in GitHub repo HelmutQualtinger/Sterbetafeln, Sterbetafel2022-2024.csv); via data/sachsen-anhalt/sources/life_table_germany_2022_2024.csv. Values unchanged.",
        "Reference period 2022-2024 (three-year period table, Germany). The population basis of the table is not stated in the copy used.",
        "Last age: 100 is the last row of the export; qx(100) (0.42042179 male / 0.37225504 female) is the one-year probability at age 100, NOT a closing qx = 1; remaining life expectancy at 100 is 1.76 (male) / 2.00 (female) years. Ages above 100 are not covered (see README, assumptions).",
        "Table e0 (ex at age 0): male 78.47, female 83.19. Saxony-Anhalt has no table here: the model scales these qx to the state e0 2022/24 (life_expectancy.csv; README assumption c).",
    ],
    ["age", "qx_male", "qx_female"],
    mort,
)

# ---------------------------------------------------------------- 4 life_expectancy.csv
le_rows = []
SRCNOTE = "Statistisches Landesamt Sachsen-Anhalt Sterbetafeln via press"
for r in e0:
    for sex, cs, cg in (("male", "e0_male_years", "e0_male_germany"), ("female", "e0_female_years", "e0_female_germany")):
        vs, vg = r[cs], r[cg]
        note = []
        if vs == "not reliable":
            vs = ""
            note.append("state value not available")
        if vg == "":
            note.append("Germany value not in source")
        if r["note"]:
            note.append("source note: " + r["note"])
        note.append(r["source_url"])
        le_rows.append([r["period"], sex, vs, vg, "; ".join(note)])
write(
    "life_expectancy.csv",
    [
        "Life expectancy at birth (e0, years) by sex: Saxony-Anhalt (state) and Germany, periods 2018/20 to 2022/24.",
        "Source: Statistisches Landesamt Sachsen-Anhalt, Sterbetafeln, as reported in press releases (URL per row in note); via data/sachsen-anhalt/sources/life_expectancy_saxony_anhalt.csv. Values unchanged.",
        "Where the source gives years and months the compiler converted months/12 to decimals (2022/24: girls 82 y 3 m = 82.25, boys 75 y 11 m = 75.92; Germany 83 y 2 m = 83.17, 78 y 6 m = 78.5), so these values carry +-1/24 year rounding.",
        "The Destatis life table 2022/24 itself gives Germany e0 = 78.47 (male) / 83.19 (female) (mortality_germany.csv).",
        "Population basis: 2021/23 is stated as Zensus-2022 basis; the other periods do not state their basis (2018/20-2020/22 are most likely on the Zensus-2011 basis).",
        "Blank cell = not available in the source (see note). Units: years.",
    ],
    ["period", "sex", "e0_state", "e0_germany", "note"],
    le_rows,
)

# ---------------------------------------------------------------- 5 fertility_germany.csv
asfr_years = [c[len("births_per_1000_women_"):] for c in asfr[0].keys() if c.startswith("births_per_1000_women_")]
fert = [[int(r["age_of_mother"])] + [r["births_per_1000_women_" + y] for y in asfr_years] for r in asfr if r["age_of_mother"].isdigit()]
check([f[0] for f in fert] == list(range(15, 50)), "ASFR ages 15..49")
tfr_row = asfr[-1]
tfr_sums = {}
for k, y in enumerate(asfr_years):
    tfr_sums[y] = sum(Fraction(f[1 + k]) for f in fert) / 1000
    check(abs(float(tfr_sums[y]) - float(tfr_row["births_per_1000_women_" + y])) < 0.001, f"ASFR {y} sum/1000 = {float(tfr_sums[y])} vs Destatis TFR {tfr_row['births_per_1000_women_' + y]}")
write(
    "fertility_germany.csv",
    [
        f"Age-specific fertility rates GERMANY (not Saxony-Anhalt), calendar years {asfr_years[0]}-{asfr_years[-1]}: live births per 1000 women of the given age, ages 15-49, one column per year.",
        "Source: Destatis GENESIS-Online 12612-0008 'Lebendgeborene je 1000 Frauen: Deutschland, Jahre, Alter', https://www-genesis.destatis.de/datenbank/online/statistic/12612/table/12612-0008 (export in GitHub repo dashgrid-dev/tutorial-birth-rates, src/data/2-chart-data.csv, commit 5332273f85a0c051e1c42612e42d0995ba1c5362); via data/sachsen-anhalt/sources/fertility_asfr_germany_2015_2024.csv. Values unchanged.",
        "Age = calendar year minus mother's year of birth (Geburtsjahrmethode), i.e. age reached in the year = age at 31.12. Population basis: Zensus 2022 from 2022 on (Destatis: 'From 2022: results based on the 2022 Census'), the Zensus 2011 before.",
        "TFR of each column (derived: sum of the 35 rates / 1000): " + "; ".join(f"{y} {fmt(float(tfr_sums[y]), 4)}" for y in asfr_years) + ". Destatis 12612-0009 TFR 2022 / 2023 / 2024 = 1.488 / 1.385 / 1.352 (Zensus-2022 basis).",
        "Saxony-Anhalt has no age-specific rates: the model scales Germany's profile of the calibration year to the state's births (models.demography.births_calibration_period) and follows Germany's change of each later year while the data has it (models.demography.fertility_trend; README assumption d).",
    ],
    ["age"] + ["births_per_1000_women_" + y for y in asfr_years],
    fert,
)

# ---------------------------------------------------------------- 6 state_figures.csv
SF = []


def cite(r):
    t = r["source_title"]
    if t == "same":  # the source repeats the title of an earlier row with the same URL as 'same'
        for table in (lmd, lis, si, di, dx):
            hits = [x["source_title"] for x in table if x.get("source_url") == r["source_url"] and x.get("source_title") not in (None, "same")]
            if hits:
                t = hits[0]
                break
    return f"{t} ({r['source_url']})"


def add(ind, period, value, unit, source, row=None, field=None):
    """Append a state figure; if row/field given, assert the value text is printed there."""
    if row is not None:
        fields = [field] if field else ["value"]
        txt = " ".join(row[f] for f in fields)
        check(str(value) in txt.replace(",", ""), f"state_figures {ind} {period} = {value} printed in source")
    SF.append([ind, period, value, unit, source])


def si_row(ind, period):
    return find(si, indicator=ind, reference_date_or_period=period)


def add_si(ind_out, ind_src, period, unit=None, extra="", value=None, field="value"):
    r = si_row(ind_src, period)
    v = r["value"] if value is None else value
    u = unit or r["unit"]
    note = r["note"]
    src = cite(r)
    if note or extra:
        src += " | note: " + "; ".join(x for x in (extra, note) if x)
    add(ind_out, period, v, u, src, r, field if value is not None else "value")


# population and age
add_si("population_census", "population_census", "2022-05-15", extra="Zensus 2022 census count")
add_si("population", "population", "2022-12-31", extra="Zensus-2022 basis")
add_si("population", "population", "2023-12-31", extra="Zensus-2022 basis")
add("population_male", "2023-12-31", tot["population_male"], "persons",
    "Destatis GENESIS 12411-0013 (https://www-genesis.destatis.de/datenbank/online/statistic/12411/table/12411-0013) | note: Zensus-2022 basis; row Insgesamt")
add("population_female", "2023-12-31", tot["population_female"], "persons",
    "Destatis GENESIS 12411-0013 (https://www-genesis.destatis.de/datenbank/online/statistic/12411/table/12411-0013) | note: Zensus-2022 basis; row Insgesamt")
for ind in ("population_male", "population_female"):
    r = find(dx, indicator=ind, reference_date="2022-05-15")
    add(ind + "_census", "2022-05-15", r["value"], r["unit"], cite(r) + " | note: Zensus 2022 census count", r)
r = find(prbp, projection="RBP7", ags="15", indicator="population", year="2019")
add("population_zensus2011basis", "2019-12-31", r["value"], "persons",
    cite(r) + " | note: OLD Zensus-2011 basis (superseded); base year of the 7th RBP; = sum of the 2019 district values (Destatis 12411-0017)", r)
add_si("population_zensus2011basis", "population_zensus2011basis", "2023-12-31", extra="OLD basis; superseded by the Zensus-2022 figure")
add_si("mean_age", "mean_age", "2022-12-31",
       extra="Zensus-2011 basis (stated in demography_extra.csv / hallanzeiger.de 18.07.2023)")
for ind, src_ind in (("mean_age_male", "mean_age_men"), ("mean_age_female", "mean_age_women")):
    r = find(dx, indicator=src_ind, reference_date="2022-12-31")
    add(ind, "2022-12-31", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
add_si("mean_age_census", "mean_age_census", "2022-05-15")
for ind in ("population_aged_0_17", "population_aged_18_64", "population_aged_65plus"):
    r = find(dx, indicator=ind, reference_date="2022-05-15")
    add(ind + "_census", "2022-05-15", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
add_si("population_aged_85plus_census", "population_85plus", "2022-05-15")
add_si("population_aged_100plus_census", "population_100plus", "2022-05-15")
for ind in ("share_female", "share_aged_60plus", "share_aged_under_25"):
    r = find(dx, indicator=ind, reference_date="2022-05-15")
    add(ind + "_census", "2022-05-15", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
add_si("population_aged_under_20", "population_under20", "2022-12-31", extra="Zensus-2022 basis (8th RBP base year)")
add_si("population_aged_67plus", "population_67plus", "2022-12-31", extra="Zensus-2022 basis (8th RBP base year)")
add_si("population_aged_80plus", "population_80plus", "2022-12-31", extra="Zensus-2022 basis (8th RBP base year)")
add_si("old_age_dependency_ratio_67plus_per_100_aged_20_66", "old_age_dependency_ratio_67plus_per_100_aged_20_66", "2022", unit="persons aged 67+ per 100 aged 20-66")
add_si("population_aged_20_66_zensus2011basis", "population_aged_20_66", "2019-12-31", extra="OLD Zensus-2011 basis")
r = find(poth, projection="RBP7", indicator="women_aged_15_to_49", year="2035")
check("362172" in r["note"], "women 15-49 2021 = 362172 printed")
add("women_aged_15_49", "2021-12-31", "362172", "persons",
    cite(r) + " | note: exact value printed in the note of the 7th-RBP row (-13 % vs 362172 on 31.12.2021); state_indicators.csv gives it rounded as 362200; OLD Zensus-2011 basis")
w1549 = sum(p[2] for p in pas if 15 <= p[0] <= 49)
add("women_aged_15_49", "2023-12-31", w1549, "persons",
    f"derived: sum of female population aged 15-49 in population_age_sex.csv (Destatis 12411-0013; Zensus-2022 basis) = {w1549}")
r = find(dx, indicator="foreign_nationals", reference_date="2022-05-15")
add("foreign_nationals_census", "2022-05-15", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
add_si("municipalities", "municipalities", "2023-12-31")
add_si("area", "area", "2023-12-31")
r = find(si, indicator="share_living_alone", reference_date_or_period="2024")
add("share_population_living_alone", "2024", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
add("average_household_size", "2024", "1.9", "persons per household", cite(r) + " | note: " + r["note"], r, "note")
r = find(dx, indicator="households_single_person_share")
add("households_single_person_share_census", "2022-05-15", "45", "percent of households (approx.; source: 'almost 45')", cite(r) + " | note: " + r["note"], r)

# natural movement
r = find(tfr, area="Sachsen-Anhalt", year="2023")
add("tfr", "2023", r["tfr_children_per_woman"], "children per woman",
    cite(r) + " | note: most recent Saxony-Anhalt TFR available; BASIS CAVEAT: published Jan 2025 next to 'minimal ueber dem Bundesdurchschnitt', i.e. probably on the OLD Zensus-2011 population basis (Germany 1.35 old basis vs 1.385 Zensus-2022 basis); ST 2022 and 2024 not found",
    r, "tfr_children_per_woman")
r = find(tfr, area="Sachsen-Anhalt", year="2018")
add("tfr", "2018", r["tfr_children_per_woman"], "children per woman", cite(r), r, "tfr_children_per_woman")
for y in ("2019", "2020", "2021"):
    add_si("tfr", "total_fertility_rate", y, extra="old Zensus-2011 basis")
r = find(tfr, area="Deutschland", year="2023")
add("tfr_germany", "2023", r["tfr_children_per_woman"], "children per woman", cite(r) + " | note: " + r["note"], r, "tfr_children_per_woman")
r = si_row("total_fertility_rate_GERMANY", "2023")
add("tfr_germany_old_basis", "2023", r["value"], "children per woman", cite(r) + " | note: first release on the old Zensus-2011 basis; " + r["note"], r)
for y in ("2023", "2022", "2021", "2020"):
    add_si("live_births", "live_births", y)
add_si("deaths", "deaths", "2023")
add_si("deaths", "deaths", "2021")
add_si("natural_balance", "natural_balance", "2023")
for y in ("2023", "2022", "2021", "2020"):
    r = find(nat, year=y, indicator="naturalisations", area="Sachsen-Anhalt")
    add("naturalisations", y, r["value"], "persons", f"{r['source_title']} ({r['source_url']})" + (" | note: " + r["note"] if r["note"] else ""), r)
add_si("natural_balance", "natural_balance", "2022")
b22 = int(si_row("live_births", "2022")["value"])
n22 = int(si_row("natural_balance", "2022")["value"])
add("deaths", "2022", b22 - n22, "persons",
    f"derived: live_births 2022 ({b22}) minus natural_balance 2022 ({n22}) = {b22 - n22}; StaLa via magdeburg-klickt.de (https://magdeburg-klickt.de/wanderungsgewinn-von-ueber-40-000-personen-laesst-einwohnerzahl-sachsen-anhalts-2022-erneut-wachsen)")

# migration across the state border
for y in ("2019", "2021", "2022", "2023"):
    add_si("inflows_across_state_border", "inflows_across_state_border", y)
    add_si("outflows_across_state_border", "outflows_across_state_border", y)
r = si_row("net_migration", "2021")
add("net_migration", "2019", "2428", "persons", cite(r) + " | note: printed in the 2021 release '(2020: 3839; 2019: 2428)'; = 57852 - 55424 (check)", r, "note")
add("net_migration", "2020", "3839", "persons", cite(r) + " | note: printed in the 2021 release '(2020: 3839; 2019: 2428)'", r, "note")
add_si("net_migration", "net_migration", "2021")
add_si("net_migration", "net_migration", "2022")
add_si("net_migration", "net_migration", "2023", extra="derived by the data compiler, see note; the rounded 2023 flows give 69500 - 53400 = 16100")
r = si_row("net_migration", "2023")
add("net_migration", "2024", "12882", "persons", cite(r) + " | note: StaLa: 2024 net migration 12882 (3214 lower than 2023)", r, "note")
for ind in ("inflows_cumulative", "outflows_cumulative", "net_migration_cumulative"):
    add_si(ind, ind, "2014-2024")
add_si("inflows_from_abroad", "inflows_from_abroad", "2020")
add_si("outflows_to_abroad", "outflows_to_abroad", "2020")
add_si("inflows_from_abroad", "inflows_from_abroad", "2022")
add_si("outflows_to_abroad", "outflows_to_abroad", "2022")
add_si("inflows_from_other_laender", "inflows_from_other_Laender", "2022")
add_si("outflows_to_other_laender", "outflows_to_other_Laender", "2022")
add_si("net_migration_abroad", "net_migration_abroad", "2019", unit="persons (approx.; source: 'knapp')")
r = si_row("net_migration_abroad", "2022")
add("net_migration_abroad", "2021", "9195", "persons", cite(r) + " | note: printed in the 2022 release '(2021: 9195)'", r, "note")
add_si("net_migration_abroad", "net_migration_abroad", "2022")
inA20, outA20 = int(si_row("inflows_from_abroad", "2020")["value"]), int(si_row("outflows_to_abroad", "2020")["value"])
add("net_migration_abroad", "2020", inA20 - outA20, "persons",
    f"derived: inflows_from_abroad 2020 ({inA20}) - outflows_to_abroad 2020 ({outA20}); StaLa Wanderungen page (https://statistik.sachsen-anhalt.de/themen/bevoelkerung-erwerbstaetigenrechnung-mikrozensus-freiwillige-haushaltserhebungen/bevoelkerung/wanderungen/)")
r = si_row("net_migration_other_Laender", "2022")
add("net_migration_other_laender", "2021", "794", "persons", cite(r) + " | note: printed in the 2022 release '(2021: 794)'", r, "note")
add_si("net_migration_other_laender", "net_migration_other_Laender", "2022")
add("net_migration_other_laender", "2020", 3839 - (inA20 - outA20), "persons",
    f"derived: net_migration 2020 (3839) - net_migration_abroad 2020 ({inA20 - outA20}); identity total = abroad + other Laender holds exactly for 2021 (9195 + 794 = 9989) and 2022 (39680 + 677 = 40357)")
add_si("inflows_foreign_nationals", "inflows_across_state_border", "2022", value="64168", field="note")
r = si_row("net_migration_germans", "2022")
add("inflows_germans", "2022", "28483", "persons", cite(r) + " | note: " + r["note"], r, "note")
add("outflows_germans", "2022", "26619", "persons", cite(r) + " | note: " + r["note"], r, "note")
add_si("net_migration_germans", "net_migration_germans", "2022")
add("outflows_foreign_nationals", "2022", 52294 - 26619, "persons",
    "derived: outflows_across_state_border 2022 (52294) - outflows_germans 2022 (26619); StaLa via magdeburg-klickt.de (https://magdeburg-klickt.de/wanderungsgewinn-von-ueber-40-000-personen-laesst-einwohnerzahl-sachsen-anhalts-2022-erneut-wachsen)")
r = si_row("inflows_from_abroad", "2022")
add("inflows_from_abroad_ukraine", "2022", "29944", "persons", cite(r) + " | note: " + r["note"], r, "note")
r = si_row("outflows_to_abroad", "2022")
add("outflows_to_abroad_ukraine", "2022", "3464", "persons", cite(r) + " | note: " + r["note"], r, "note")
r = si_row("net_migration_abroad", "2022")
for ind, v in (("inflows_from_abroad_eu", "11433"), ("outflows_to_abroad_eu", "9493"),
               ("inflows_from_abroad_unknown_origin", "7331"), ("outflows_to_abroad_unknown_destination", "159")):
    add(ind, "2022", v, "persons", cite(r) + " | note: " + r["note"], r, "note")
r = si_row("outflows_to_abroad", "2020")
add("outflows_to_abroad_ex_officio_deregistrations", "2020", "9678", "persons", cite(r) + " | note: " + r["note"], r, "note")
add_si("net_migration_foreigners_vs_other_laender", "net_migration_foreigners_vs_other_Laender", "2019", unit="persons (approx.; source: 'rund')")
r = si_row("net_migration_germans_vs_other_Laender", "2019")
add("net_migration_germans_vs_other_laender", "2019", r["value"], "persons", cite(r) + " | note: " + r["note"], r)
add("inflows_germans_from_other_laender", "2019", "24922", "persons", cite(r) + " | note: " + r["note"], r, "note")
add("outflows_germans_to_other_laender", "2019", "24802", "persons", cite(r) + " | note: " + r["note"], r, "note")
for ag in ("0-5", "6-14", "30-39", "40-49", "50-64"):
    r = find(mba, period="2019", age_group=ag, flow="net migration Saxony-Anhalt vs. other Laender")
    add("net_migration_germans_vs_other_laender_age_" + ag.replace("-", "_"), "2019", r["value"], "persons",
        cite(r) + " | note: age groups 15-17 / 18-24 / 25-29 / 65+ not printed (18-29 negative)", r)
r = find(mba, population="foreign immigrants")
add("share_under_31_among_foreign_inmigrants", "2018", "75", "percent (source: 'drei von vier')", cite(r), None)
# retention
r = si_row("return_rate_german_emigrants", "1999-2012")
add("return_rate_german_emigrants", "1999-2012", r["value"], "percent",
    cite(r) + " | note: IAB: of ~62000 svB employees who moved from Saxony-Anhalt to West Germany 1999-2012 about 8800 returned (8800/62000 = 14.19 %)", r)
add("employees_left_for_west_1999_2012", "1999-2012", "62000", "persons (approx.; source: '~62000')", cite(r) + " | note: " + r["note"], r, "note")
add("employees_returned_1999_2012", "1999-2012", "8800", "persons (approx.)", cite(r) + " | note: " + r["note"], r, "note")

# foreign population (AZR)
t = find(azr, citizenship="Total")
AZR_URL = t["source_url"]
AZR_T = "StaLa: Groesste auslaendische Bevoelkerungsgruppe stammte 2023 erneut aus der Ukraine"
add("foreign_population", "2023-12-31", t["persons"], "persons",
    f"{AZR_T} ({AZR_URL}) | note: Auslaenderzentralregister (AZR) count; rounded to multiples of 5 by the source; NOT the Zensus basis (census 15.05.2022: 123597 foreign nationals)", t, "persons")
r = si_row("foreign_population_AZR", "2023-12-31")
add("foreign_population", "2022-12-31", 181370 - 12150, "persons",
    f"derived: 181370 - 12150 (source: '+12150 vs 2022'); {cite(r)}")
cit = {}
for c in ("Ukraine", "Syria", "Poland", "Romania", "Afghanistan"):
    rr = find(azr, citizenship=c)
    cit[c] = int(rr["persons"])
    extra = "; source prints share 18.6 % but 37760/181370 = 20.8 %: one of the two printed figures may be a typo" if c == "Ukraine" else ""
    add("foreign_population_" + c.lower(), "2023-12-31", rr["persons"], "persons", f"{AZR_T} ({AZR_URL}) | note: AZR; rounded to 5{extra}", rr, "persons")
eu = cit["Poland"] + cit["Romania"]
tc = cit["Ukraine"] + cit["Syria"] + cit["Afghanistan"]
unc = 181370 - eu - tc
add("foreign_population_eu_listed", "2023-12-31", eu, "persons (lower bound)",
    f"derived: Poland {cit['Poland']} + Romania {cit['Romania']} = {eu}; only the 5 largest citizenships are published, so this is a LOWER BOUND of all EU nationals; {AZR_T} ({AZR_URL})")
add("foreign_population_third_country_listed", "2023-12-31", tc, "persons (lower bound)",
    f"derived: Ukraine {cit['Ukraine']} + Syria {cit['Syria']} + Afghanistan {cit['Afghanistan']} = {tc}; LOWER BOUND of all third-country nationals; {AZR_T} ({AZR_URL})")
add("foreign_population_unclassified", "2023-12-31", unc, "persons",
    f"derived: 181370 - {eu} - {tc} = {unc} ({fmt(100 * unc / 181370, 1)} % of the total) whose citizenship (EU or third country) is not published; not split (no guess); {AZR_T} ({AZR_URL})")

# foreign employees
add_si("foreign_share_of_employees", "foreign_share_of_svB", "2023", extra="share of foreign nationals among svB employees; 2017 value 3.1 % per this source (MDR 06.2018 gives 3.3 % for 2017)")
bb = {r["year"]: r for r in lbb if r["kldb1"] == "all"}
BA_T = "Statistik der Bundesagentur fuer Arbeit, Sonderauswertung Auftragsnummer 317-408036, via badata v0.2.0 (https://github.com/RegioHub/badata)"
for y in ("2023", "2024"):
    f_, s_ = int(bb[y]["svb_workplace_foreigners"]), int(bb[y]["svb_workplace_total"])
    add("svb_employees_foreigners_at_workplace", f"{y}-06-30", f_, "persons (lower bound)",
        f"derived: sum over 14 districts x KldB 3-digit groups (suppressed cells = 0; {bb[y]['svb_workplace_foreigners_cells_suppressed']} blank cells); {BA_T}")
add("foreign_share_of_employees", "2024", fmt(100 * int(bb["2024"]["svb_workplace_foreigners"]) / int(bb["2024"]["svb_workplace_total"]), 1), "percent",
    f"derived: 100 x {bb['2024']['svb_workplace_foreigners']} / {bb['2024']['svb_workplace_total']} (BA svB at workplace 30.06.2024); {BA_T} | note: same computation for 2023 gives {100 * 55881 / 798968:.1f} % vs the printed 7.1 %")
add_si("employment_rate_immigrants", "employment_rate_immigrants", "2022")
add_si("atypical_employment_share_migrants", "atypical_employment_share_migrants", "2022-2023")
add_si("change_german_employees", "change_german_employees", "2016-2024")
r = si_row("change_german_employees", "2016-2024")
add("change_foreign_employees", "2016-2024", "45000", "persons", cite(r) + " | note: " + r["note"], r, "note")
r = find(lmd, ags="15", indicator="unemployment_rate_foreigners")
add("unemployment_rate_foreigners", "2024-12", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
add_si("unemployment_share_among_foreigners", "unemployment_share_among_foreigners", "2017-2020")

# labour market
add_si("unemployed_annual_average", "unemployed_annual_average", "2021")
r = si_row("unemployed_annual_average", "2024")
add("unemployed_annual_average", "2023", "82600", "persons (rounded to 100)", cite(r) + " | note: printed as '(2023: 82600)'", r, "note")
add_si("unemployed_annual_average", "unemployed_annual_average", "2024", unit="persons (rounded to 100)")
add_si("unemployment_rate_annual_average", "unemployed_annual_average", "2021", value="7.3", unit="percent", field="note")
r = si_row("unemployment_rate_annual_average", "2024")
add("unemployment_rate_annual_average", "2023", "7.5", "percent", cite(r) + " | note: printed as '(2023: 7.5 %)'", r, "note")
add_si("unemployment_rate_annual_average", "unemployment_rate_annual_average", "2024")
for y in ("2023", "2024"):
    add("unemployed_annual_average_ba_table", y, bb[y]["unemployed_annual_avg_total"], "persons (annual average)",
        f"derived: sum over 14 districts x KldB 3-digit groups incl. 'no target occupation'; no cells missing in {y}; {BA_T} | note: consistent with the rounded press figure; this is the total behind labour_groups.csv / labour_districts.csv")
add_si("unemployed", "unemployed", "2024-12")
add_si("unemployed", "unemployed", "2025-09")
add_si("long_term_unemployed", "unemployed", "2024-12", value="32900", field="note", unit="persons (approx.)")
add_si("svb_employees_at_workplace", "svB_employees_at_workplace", "2022-06-30")
for y in ("2023", "2024"):
    add("svb_employees_at_workplace", f"{y}-06-30", bb[y]["svb_workplace_total"], "persons (lower bound)",
        f"derived: sum over 14 districts x KldB 3-digit groups (suppressed cells = 0; {bb[y]['svb_workplace_total_cells_suppressed']} blank cells of which 56 are military codes 011-014 never reported); {BA_T} | note: in 2022 the same sum (804087) was 108 below StaLa's 804195")
add_si("svb_employees_at_workplace", "svB_employees_at_workplace", "2025-07", unit="persons (projection 'Hochrechnung')")
add_si("svb_employees_resident", "svB_employees_at_workplace", "2022-06-30", value="864407", field="note")
res = defaultdict(int)
resblank = defaultdict(int)
for r in lk3:
    if r["svb_residence_total"] == "":
        resblank[r["year"]] += 1
    else:
        res[r["year"]] += int(r["svb_residence_total"])
for y in ("2024", "2025"):
    add("svb_employees_resident", f"{y}-06-30", res[y], "persons (lower bound)",
        f"derived: sum of svb_residence_total over 14 districts x KldB 3-digit groups in labour_district_kldb3_2024_2025.csv (blank cells = 0; {resblank[y]} blank cells); {BA_T}")
for y in ("2019", "2020", "2021", "2022", "2023", "2024", "2025"):
    add("registered_vacancies_stock_annual_average", y, bb[y]["vacancies_annual_avg_total"], "jobs (annual average stock)",
        f"derived: sum over 14 districts x KldB 3-digit groups (annual average of monthly stocks of registered vacancies 'gemeldete Arbeitsstellen'); {BA_T}")
add_si("registered_vacancies_stock", "registered_vacancies_stock", "2024-03")
add_si("registered_vacancies_stock", "registered_vacancies_stock", "2024-06")
r = find(lis, indicator="registered_vacancies_stock", reference_period="2025-01")
add("registered_vacancies_stock", "2025-01", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
r = find(lis, indicator="registered_vacancies_average_reported", reference_period="2023")
CAVEAT = "CAVEAT: stock vs flow - about twice the BA annual-average stock (~20000); most likely the year's INFLOW of newly reported vacancies (the parallel Thueringen release says 'neu gemeldet'); the BA regional director also spoke of 'almost 40000' total labour demand incl. unregistered vacancies (Volksstimme 01.2025). Use for flows, not as a stock"
add("registered_vacancies_reported", "2023", r["value"], r["unit"], cite(r) + " | note: " + CAVEAT, r)
r = si_row("registered_vacancies_annual_average", "2024")
add("registered_vacancies_reported", "2024", r["value"], "jobs", cite(r) + " | note: printed as 'annual average'; " + CAVEAT, r)
add("registered_vacancies_reported_in_engpass_occupations", "2024", "7900", "jobs", cite(r) + " | note: " + r["note"], r, "note")
r = find(lis, indicator="total_labour_demand_estimate")
add("total_labour_demand_estimate", "2025-01", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
add_si("engpass_occupation_groups", "engpass_occupation_groups", "2024")
r = find(lis, indicator="share_assessed_occupation_groups_in_shortage")
add("share_assessed_occupation_groups_in_shortage", r["reference_period"], r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
r = find(lis, indicator="vacancy_duration_svb_jobs", area="Sachsen-Anhalt", reference_period="2021-09..2022-08")
add("vacancy_duration_svb_jobs", r["reference_period"], r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
r = find(lis, indicator="mean_job_tenure_svb")
add("mean_job_tenure_svb", r["reference_period"], r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
r = find(lis, indicator="share_svb_aged_55plus", area="Sachsen-Anhalt")
add("share_svb_aged_55plus", "2022", r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
r = find(lis, indicator="share_svb_aged_60plus")
add("share_svb_aged_60plus", r["reference_period"], r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
# Qualification of the population (initial population and labour-market entrants).
r = find(lis, indicator="employed_share_academic")
add("employed_share_academic", r["reference_period"], r["value"], r["unit"], cite(r) + " | note: Mikrozensus 2024; " + r["note"], r)
r = find(lis, indicator="employed_share_without_vocational_qualification")
add("employed_share_without_vocational_qualification", r["reference_period"], r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
r = find(lis, indicator="share_vacancies_requiring_qualified_workers")
add("unemployed_share_helper_level", r["reference_period"], "61", "percent", cite(r) + " | note: printed in the note of share_vacancies_requiring_qualified_workers: " + r["note"], r, "note")
add("unemployed_share_skilled_level", r["reference_period"], "30", "percent", cite(r) + " | note: printed in the note of share_vacancies_requiring_qualified_workers: " + r["note"], r, "note")
r = find(lis, indicator="population15plus_high_education_ISCED5_8")
add("population15plus_share_academic", r["reference_period"], "14", "percent", cite(r) + " | note: printed in the note of population15plus_high_education_ISCED5_8: " + r["note"], r, "note")
add("population15plus_share_without_vocational_qualification", r["reference_period"], "16", "percent", cite(r) + " | note: printed in the note of population15plus_high_education_ISCED5_8: " + r["note"], r, "note")
add_si("share_svb_aged_60plus", "share_employees_aged_60plus", "2024")
add_si("persons_in_employment", "persons_in_employment_ETR", "2024", extra="Erwerbstaetigenrechnung (workplace concept)")
r = find(lis, indicator="employed_aged_65plus")
add("employed_aged_65plus_census", r["reference_period"], r["value"], r["unit"], cite(r) + " | note: " + r["note"], r)
r = find(lmd, ags="15", indicator="out_commuters_across_municipal_boundary")
add("commuters_to_workplace_outside_state", "2024", "165074", "persons", cite(r) + " | note: " + r["note"], r, "note")
r2 = find(lmd, ags="15", indicator="in_commuters_across_municipal_boundary")
add("commuters_from_residence_outside_state", "2024", "88987", "persons", cite(r2) + " | note: " + r2["note"], r2, "note")
add_si("gross_monthly_earnings_fulltime", "gross_monthly_earnings_fulltime", "2024")

# housing (Zensus 2022 unless stated)
add_si("dwellings_total", "dwellings_total", "2022-05-15")
add_si("dwellings_in_residential_buildings", "dwellings_in_residential_buildings", "2022-05-15")
add_si("share_dwellings_rented", "dwellings_in_residential_buildings", "2022-05-15", value="51.7", unit="percent", field="note")
add_si("share_dwellings_owner_occupied", "dwellings_in_residential_buildings", "2022-05-15", value="39.0", unit="percent", field="note")
add_si("housing_vacancy_rate", "vacancy_rate", "2022-05-15", extra="Zensus 2022")
add_si("housing_vacancy_rate_germany", "vacancy_rate", "2022-05-15", value="4.3", unit="percent", field="note")
add_si("vacant_dwellings", "vacant_dwellings", "2022-05-15", extra="Zensus 2022")
add_si("vacant_dwellings_over_1_year", "vacant_dwellings", "2022-05-15", value="69510", unit="dwellings", field="note")
add_si("vacant_available_within_3_months_share", "vacant_dwellings", "2022-05-15", value="41.6", unit="percent of vacant dwellings", field="note")
add_si("vacant_smaller_60m2_share", "vacant_dwellings", "2022-05-15", value="44.4", unit="percent of vacant dwellings", field="note")
add_si("housing_vacancy_rate_empirica_multi_storey", "vacancy_rate_multi_storey_empirica", "2022", extra="different method from Zensus; not comparable")
add_si("net_cold_rent", "net_cold_rent_per_m2_dwellings", "2022-05-15", unit="EUR/m2", extra="Zensus 2022; all rented dwellings")
add_si("net_cold_rent_germany", "net_cold_rent_per_m2_dwellings", "2022-05-15", value="7.28", unit="EUR/m2", field="note")
add_si("net_cold_rent_tenant_households", "net_cold_rent_per_m2_tenant_households", "2022-05-15", unit="EUR/m2")
add_si("net_cold_rent_new_tenancies_since_2021", "net_cold_rent_new_tenancies_since_2021", "2022-05-15", unit="EUR/m2")
add_si("net_cold_rent_tenancies_20y_plus", "net_cold_rent_new_tenancies_since_2021", "2022-05-15", value="4.85", unit="EUR/m2", field="note")
add_si("tenant_household_share", "tenant_household_share", "2022-05-15")
add_si("net_cold_rent_per_tenant_household_month", "net_cold_rent_per_m2_tenant_households", "2022-05-15", value="340", unit="EUR per month (approx.)", field="note")
# housing flows (StaLa via press reprints; sources/housing_flows.csv)
hf, _ = read("housing_flows.csv")
for year, ind in (("2018", "dwellings_completed"), ("2021", "dwellings_completed"), ("2023", "dwellings_completed"),
                  ("2016", "dwellings_demolished"), ("2017", "dwellings_demolished")):
    r = find(hf, year=year, indicator=ind)
    add(ind, year, r["value"], r["unit"], f"{r['source_title']} ({r['source_url']})" + (" | note: " + r["note"] if r["note"] else ""), r)
add_si("gross_cold_rent", "gross_cold_rent_per_m2", "2022", unit="EUR/m2", extra="Mikrozensus 2022 (not Zensus)")
add_si("rent_burden_share_of_net_income", "gross_cold_rent_per_m2", "2022", value="24.4", unit="percent", field="note")

write(
    "state_figures.csv",
    [
        "Scalar figures for Saxony-Anhalt (Land, AGS 15) used by the Brocken model. Long format; key = (indicator, reference_period).",
        "Compiled from data/sachsen-anhalt/sources (state_indicators.csv, demography_extra.csv, fertility_tfr.csv, foreign_population_azr.csv, labour_*.csv, migration_by_age.csv, projections_*.csv). The source column gives source title (URL) and, after ' | note:', caveats as printed.",
        "Values are as printed in the source unless the source column starts with 'derived:' (computation given there). Rounded/approximate source values are marked in the unit column.",
        "Population basis: Zensus-2022 basis unless a row says otherwise ('zensus2011basis' in the indicator name or 'OLD basis' in the note). '_census' rows are Zensus-2022 census counts (15.05.2022).",
        "Reference period: a date (YYYY-MM-DD, stock at that date), a year (annual total/average), YYYY-MM (month) or a range.",
    ],
    ["indicator", "reference_period", "value", "unit", "source"],
    SF,
)
keys = [(r[0], r[1]) for r in SF]
check(len(keys) == len(set(keys)), "state_figures keys unique")
# identity checks on migration
check(61421 + 31230 == 92651 and 21741 + 30553 == 52294, "2022: abroad + other Laender = total (in and out)")
check(92651 - 28483 == 64168, "2022: inflows total - Germans = foreign inflows 64168")
check(57852 - 55424 == 2428 and 55943 - 45954 == 9989 and 92651 - 52294 == 40357, "net = in - out for 2019/2021/2022")

# ---------------------------------------------------------------- 7 district_structure.csv
A = defaultdict(dict)
for r in atlas:
    A[r["ags"]][r["indicator"]] = r["value"]
vac = {"15001": find(di, ags="15001", indicator="housing_vacancy_rate")["value"],
       "15088": find(di, ags="15088", indicator="housing_vacancy_rate")["value"]}
rent = {"15081": find(di, ags="15081", indicator="net_cold_rent_per_m2")["value"],
        "15002": find(di, ags="15002", indicator="net_cold_rent_per_m2")["value"]}
STATE_VAC = si_row("vacancy_rate", "2022-05-15")["value"]
STATE_RENT = si_row("net_cold_rent_per_m2_dwellings", "2022-05-15")["value"]
ds = []
for a in AGS:
    imp = []
    row = [a, A[a]["share_foreigners"], A[a]["unemployment_rate"]]
    if a in vac:
        row.append(vac[a])
    else:
        row.append(STATE_VAC)
        imp.append("housing_vacancy_pct")
    if a in rent:
        row.append(rent[a])
    else:
        row.append(STATE_RENT)
        imp.append("net_cold_rent_eur_m2")
    row += [A[a]["internal_migration_balance_per_10k"], A[a]["external_migration_balance_per_10k"],
            A[a]["share_pop_under_18"], A[a]["share_pop_18_to_65"], A[a]["share_pop_65plus"]]
    s = sum(float(A[a][k]) for k in ("share_pop_under_18", "share_pop_18_to_65", "share_pop_65plus"))
    check(abs(s - 100) < 0.011, f"age shares {a} sum to {s:.2f}")
    row.append("imputed:" + ",".join(imp) if imp else "observed")
    ds.append(row)
write(
    "district_structure.csv",
    [
        "District structure indicators for the 14 Kreise of Saxony-Anhalt (AGS order). Percent unless stated; migration balances = persons per 10000 inhabitants.",
        "share_foreigners_pct, unemployment_rate_pct, internal_/external_migration_balance_per_10k, share_under_18/18_65/65plus_pct: Deutschlandatlas (BMWSB/BBSR/Destatis), sheet Deutschlandatlas_KRS1222 (territorial status 31.12.2022), https://www.deutschlandatlas.bund.de/DE/Service/Downloads/downloads_node.html, as processed in GitHub repo aoem22/de-puls lib/data/indicators/deutschlandatlas.json (commit 693f69818fa65cf606a2ad49a11e27fd632f4460); via data/sachsen-anhalt/sources/district_structure_deutschlandatlas.csv. Observed for all 14 districts; values unchanged.",
        "REFERENCE YEAR UNCERTAIN: the copy does not state the reference year of any Deutschlandatlas indicator; treat as 'about 2022/2023' (population-weighted means match the Zensus-2022 65+ share and the 2023 state unemployment rate 7.5 %). Population basis of the shares not stated. share_18_65 = 18 to under 65 and share_65plus = 65 and over (the three shares sum to 100 in every row). The Magdeburg internal migration balance (-296.87) is an unverified outlier.",
        "Evidence on the migration-balance year (derived, weights = 31.12.2022 district populations): the weighted mean external balance 181.84 per 10000 gives about 39100 persons, close to the 2022 state net migration with abroad (39680; 2021: 9195); the weighted mean internal balance 2.41 per 10000 gives about 520, close to the 2022 net vs other Laender (677) - and only WITH Magdeburg's -296.87 (without it the sum would be about +7700). So the migration balances most likely refer to 2022, the Ukraine-refugee year, and the Magdeburg value is consistent with the state total.",
        f"housing_vacancy_pct: Zensus 2022 (15.05.2022) district values printed only for Dessau-Rosslau 12.5 (highest) and Saalekreis 7.5 (lowest) (kompakt.media 13.09.2024, https://www.kompakt.media/2024/09/13/108-650-leerstehende-wohnungen/); other districts imputed with the Zensus-2022 state rate {STATE_VAC}.",
        f"net_cold_rent_eur_m2: Zensus 2022 district values printed only for Altmarkkreis Salzwedel 4.77 (lowest) and Halle (Saale) 5.92 (highest) (StaLa via hallanzeiger.de 25.06.2024); other districts imputed with the state value {STATE_RENT} EUR/m2 (all rented dwellings, Zensus 2022).",
        "status: 'observed' or 'imputed:<columns>' listing the imputed columns (rule: state value). Imputed values lie inside the printed district min/max, so they do not distort the range.",
    ],
    ["ags", "share_foreigners_pct", "unemployment_rate_pct", "housing_vacancy_pct", "net_cold_rent_eur_m2",
     "internal_migration_balance_per_10k", "external_migration_balance_per_10k", "share_under_18_pct",
     "share_18_65_pct", "share_65plus_pct", "status"],
    ds,
)

# ---------------------------------------------------------------- 8/9 labour files
def twelfths(v):
    """Annual averages are sums of 12 monthly counts / 12, printed to 2 decimals: recover exactly."""
    n = round(float(v) * 12)
    assert abs(float(v) * 12 - n) < 0.07, v
    return Fraction(n, 12)


G = defaultdict(lambda: defaultdict(Fraction))
SUP = defaultdict(lambda: defaultdict(int))
for r in lmg:
    if r["year"] != "2024":
        continue
    k = r["ags"]
    G[k]["svb"] += int(r["svb_workplace_total"])
    G[k]["vac"] += twelfths(r["vacancies_annual_avg_total"])
    G[k]["unemp"] += twelfths(r["unemployed_annual_avg_total"])
    SUP[k]["svb"] += int(r["svb_workplace_total_cells_suppressed"])
    SUP[k]["unemp"] += int(r["unemployed_cells_missing"])
for c in ("svb", "vac", "unemp"):
    check(sum(G[a][c] for a in AGS) == G["15"][c], f"labour 2024 {c}: 14 districts sum = state rows sum ({float(G['15'][c]):.2f})")
check(G["15"]["svb"] == int(bb["2024"]["svb_workplace_total"]), "labour svb 2024 = BA all-occupations 793155")
check(fmt(float(G["15"]["vac"])) == fmt(float(bb["2024"]["vacancies_annual_avg_total"])), "labour vacancies 2024 = BA all-occupations 19977")
check(fmt(float(G["15"]["unemp"])) == fmt(float(bb["2024"]["unemployed_annual_avg_total"])), "labour unemployed 2024 = BA all-occupations 84801.17")
# military codes never reported for svB: 4 codes x 14 districts
mil = sum(1 for r in lk3 if r["year"] == "2024" and r["kldb3"] in ("011", "012", "013", "014") and r["svb_workplace_total"] == "")
LAB_COMMON = [
    "Source: Statistik der Bundesagentur fuer Arbeit (BA), Sonderauswertung Auftragsnummer 317-408036 (Kreise x KldB 2010 Berufsgruppen), as distributed in 'badata' v0.2.0 (RegioHub, Universitaet Bielefeld; data (c) Statistik der BA), https://github.com/RegioHub/badata; via data/sachsen-anhalt/sources/labour_model_groups_district_2024_2025.csv (itself derived from labour_district_kldb3_2024_2025.csv with labour_kldb3_model_group_mapping.csv).",
    "Population basis: not applicable (BA administrative register counts, not population estimates). reference_year 2024. employees_svb = employees subject to social insurance at place of WORK, by occupation performed, reference date 30.06.2024 (no civil servants, self-employed or marginal part-time). unemployed = registered unemployed by target occupation, annual average 2024. vacancies = registered vacancies (gemeldete Arbeitsstellen, incl. non-svB) STOCK, annual average of monthly counts 2024 (not the ~40000 press figure, see state_figures.csv).",
]
write(
    "labour_districts.csv",
    [
        "Labour market by district (Kreis), Saxony-Anhalt, 2024.",
        *LAB_COMMON,
        "Derivation: the source file has NO total row; each value is the sum over all 10 group rows of the district (the nine model occupation groups + 'no_occupation_stated'), i.e. all occupations. Annual averages are 12-month means printed to 2 decimals; each group value was converted back to its exact multiple of 1/12 (round(12 x v)/12), summed, and rounded to 2 decimals. These sums reproduce the BA all-occupations state totals exactly (svB 793155; vacancies 19977; unemployed 84801.17).",
        f"Suppressed cells: svB cells left blank by BA (confidentiality '*' or none '-', not distinguishable) count as 0, so employees_svb is a LOWER BOUND. Blank svB cells per district (of 145 KldB cells; {mil // 14} of them are the military codes 011-014, never reported for svB): "
        + "; ".join(f"{a} {SUP[a]['svb']}" for a in AGS)
        + f"; state {SUP['15']['svb']}. Magnitude: in 2022 the same kind of sum (804087) fell only 108 short of the official 804195, so the shortfall is of the order of 100 persons state-wide. Unemployed: no missing cells in 2024; vacancies: no blank cells.",
    ],
    ["ags", "employees_svb", "unemployed", "vacancies", "reference_year"],
    [[a, G[a]["svb"], fmt(float(G[a]["unemp"])), fmt(float(G[a]["vac"])), 2024] for a in AGS],
)
grows = []
GROUPS = ["business_administration", "construction", "education_childcare", "engineering_manufacturing", "health_care",
          "hospitality_retail", "it", "other", "transport_logistics", "no_occupation_stated"]
gsup = {}
for g in GROUPS:
    r = find(lmg, ags="15", model_group=g, year="2024")
    grows.append([g, r["svb_workplace_total"], r["unemployed_annual_avg_total"], r["vacancies_annual_avg_total"], 2024])
    gsup[g] = r["svb_workplace_total_cells_suppressed"]
check(sum(int(g[1]) for g in grows) == 793155, "labour_groups svb sum = 793155")
write(
    "labour_groups.csv",
    [
        "Labour market by model occupation group, Saxony-Anhalt (state, sum of the 14 districts), 2024.",
        *LAB_COMMON,
        "Values copied unchanged from the state rows (ags 15, 'sum of districts') of the source; model_group assignment of KldB 2010 3-digit groups is a classification choice of the model (labour_kldb3_model_group_mapping.csv), not a source figure. 'other' includes agriculture, security, cleaning, natural sciences, social work and military vacancies; 'no_occupation_stated' = no occupation assignable (employees) / no target occupation (unemployed).",
        "Group sums (derived): employees_svb 793155; unemployed 84801.17; vacancies 19977 (=BA all-occupations totals, after exact 1/12 summation; summing the printed 2-decimal values gives 84801.17 / 19977.01).",
        "employees_svb is a lower bound: blank (suppressed) district x KldB cells count as 0; blank svB cells per group: " + "; ".join(f"{g} {gsup[g]}" for g in GROUPS) + " ('other' includes the 56 never-reported military cells).",
    ],
    ["group", "employees_svb", "unemployed", "vacancies", "reference_year"],
    grows,
)

# ---------------------------------------------------------------- 9b labour_cells.csv (district x group)
cell_rows = []
cell_sums = defaultdict(lambda: defaultdict(Fraction))
CELL_GROUPS = [g for g in GROUPS if g != "no_occupation_stated"]
for year in ("2024", "2025"):
    for a in AGS:
        for g in CELL_GROUPS:
            parts = [find(lmg, ags=a, model_group=g, year=year)]
            if g == "other":  # 'no_occupation_stated' is counted with 'other'
                parts.append(find(lmg, ags=a, model_group="no_occupation_stated", year=year))
            svb = sum(int(r["svb_workplace_total"] or 0) for r in parts)
            svb_f = sum(int(r["svb_workplace_foreigners"] or 0) for r in parts)
            un = sum(twelfths(r["unemployed_annual_avg_total"] or 0) for r in parts)
            un_f = sum(twelfths(r["unemployed_annual_avg_foreigners"] or 0) for r in parts)
            vac = sum(twelfths(r["vacancies_annual_avg_total"] or 0) for r in parts)
            cell_rows.append([a, g, year, svb, svb_f, fmt(float(un)), fmt(float(un_f)), fmt(float(vac))])
            cell_sums[year]["svb"] += svb
            cell_sums[year]["unemp"] += un
            cell_sums[year]["vac"] += vac
for c in ("svb", "unemp", "vac"):
    check(cell_sums["2024"][c] == G["15"][c], f"labour_cells 2024 {c} sums to the state total")
write(
    "labour_cells.csv",
    [
        "Labour market by district (Kreis) x model occupation group, Saxony-Anhalt, 2024 and 2025.",
        LAB_COMMON[0],
        "Population basis: not applicable (BA administrative register counts). employees_svb / employees_svb_foreign = employees subject to social insurance at place of WORK (all / without German citizenship), by occupation performed, reference date 30 June of the year. unemployed / unemployed_foreign = registered unemployed by target occupation (all / foreign), annual average. vacancies = registered vacancies STOCK (all, incl. non-svB), annual average of monthly counts.",
        "Values from the source rows (ags 15001-15091); blank cells (suppressed by BA for confidentiality, or none) are written as 0, so every column is a LOWER BOUND of its cell (the 2024 sums: svB 793155, unemployed 84801.17, vacancies 19977 = the state totals; foreign svB and foreign unemployed have more blank cells, see the *_cells_suppressed columns of the source).",
        "Groups: the nine model occupation groups (KldB 2010 3-digit groups mapped by labour_kldb3_model_group_mapping.csv, a classification choice of the model). DERIVED: 'other' includes the source's 'no_occupation_stated' (no occupation assignable / no target occupation), summed into it; annual averages are summed as exact twelfths and printed to 2 decimals.",
    ],
    ["ags", "group", "year", "employees_svb", "employees_svb_foreign", "unemployed", "unemployed_foreign", "vacancies"],
    cell_rows,
)

# ---------------------------------------------------------------- 10 district_age_groups_2019.csv (verbatim copy)
with open(os.path.join(SRC, "district_age_groups_2019.csv"), encoding="utf-8") as f:
    txt = f.read()
with open(os.path.join(OUT, "district_age_groups_2019.csv"), "w", encoding="utf-8") as f:
    f.write("# Copied unchanged from data/sachsen-anhalt/sources/district_age_groups_2019.csv (Brocken calibration data; used only as district age SHAPES for the IPF step, not as levels).\n")
    f.write(txt)
rows19, _ = read("district_age_groups_2019.csv")
for r in rows19:
    cols = [k for k in r if k.startswith("age_")]
    check(sum(int(r[k]) for k in cols) == int(r["total"]), f"2019 age groups sum to total {r['ags']}")
check(sum(int(r["total"]) for r in rows19) == 2194782, "2019 district totals sum 2194782")
print(f"wrote district_age_groups_2019.csv: {len(rows19)} rows (verbatim copy)")

# ---------------------------------------------------------------- 10b district_mean_age.csv (validation only)
MA = []
for r in dx:
    if r["indicator"] == "mean_age" and r["reference_date"] == "2022-12-31" and r["ags"] != "15":
        check(float(r["value"]) > 0, f"mean age {r['ags']}")
        MA.append([r["ags"], r["value"], f"{r['source_title']} ({r['source_url']}) | note: {r['note']}"])
check(len(MA) == 6, f"six published district mean ages (got {len(MA)})")
write(
    "district_mean_age.csv",
    [
        "Mean age of the population (years) by district, 31.12.2022, Zensus-2011 basis (OLD basis), as published by StaLa. FOR VALIDATION ONLY (not model input): the synthetic starting population is fitted without it, so it is an independent check of the fitted district age structure.",
        "Only the six districts named in the source; values copied unchanged from data/sachsen-anhalt/sources/demography_extra.csv.",
    ],
    ["ags", "mean_age_2022_12_31", "source"],
    sorted(MA),
)

# ---------------------------------------------------------------- 11 projections.csv
PR = []
NUMERIC_FIX = {  # text value -> (numeric value, unit qualifier); the printed text is kept in the unit
    "under 15000": ("15000", "upper bound; source: 'under 15000'"),
    "about 316000": ("316000", "approx.; source: 'about 316000'"),
    'about -20 ("rund ein Fuenftel")': ("-20", "approx.; source: 'rund ein Fuenftel'"),
}
seen = set()
RENAME = {"annual_births": "live_births", "annual_deaths": "deaths", "women_aged_15_to_49": "women_aged_15_49"}
for fname, rows in (("projections_rbp.csv", prbp), ("projections_other.csv", poth)):
    for r in rows:
        proj, val, unit, year, ind = r["projection"], r["value"], r["unit"], r["year"], r["indicator"]
        src = cite(r) + (" | note: " + r["note"] if r["note"] else "")
        if proj == "RBP7?":
            continue  # same Harz values are in projections_other.csv with the attribution confirmed (merged below)
        if proj == "Bertelsmann Wegweiser Kommune 2040" and r["ags"] == "15" and r["value"] == "-12.3":
            continue  # same figure and URL as the OTHER_Bertelsmann row of projections_rbp.csv (kept there)
        ind = RENAME.get(ind, ind)
        if val in NUMERIC_FIX:
            val, q = NUMERIC_FIX[val]
            unit = f"{unit} ({q})"
        if year == "2020-2040":
            year = "2040"
            if not ind.endswith("2020_2040"):
                ind = ind + "_2020_2040"
        if unit.startswith('persons ("knapp")'):
            unit = "persons (approx.; source: 'knapp')"
        if proj == "RBP7" and r["ags"] == "15085":
            old = find(prbp, projection="RBP7?", ags="15085", year=r["year"])
            src += " | also: " + cite(old) + " (same value; listed there as 'RBP7?')"
        key = (proj, r["ags"], ind, year)
        assert key not in seen, key
        seen.add(key)
        float(val)
        if proj == "OTHER_Bertelsmann" and ind == "population_change_2020_2040":
            src += " | also in projections_other.csv as 'Bertelsmann Wegweiser Kommune 2040' (same value and URL; listed once)"
        PR.append([proj, r["ags"], r["area"], ind, year, val, unit, src])
# base-year / companion values printed in the notes of the same rows
def note_row(proj, ags, area, ind, year, val, unit, parent, text):
    check(text in parent["note"], f"projection note value {ind} {year} {val} printed")
    PR.append([proj, ags, area, ind, year, val, unit, cite(parent) + f" | note: printed in the note of the {parent['indicator']} {parent['year']} row: '{parent['note']}'"])


p = find(prbp, projection="RBP7", ags="15", indicator="mean_age")
note_row("RBP7", "15", "Sachsen-Anhalt", "mean_age", "2019", "47.4", "years (base year; OLD Zensus-2011 basis)", p, "2019: 47.4")
p = find(prbp, projection="RBP7", ags="15002", indicator="mean_age")
note_row("RBP7", "15002", "Halle (Saale)", "mean_age", "2019", "44.0", "years (base year)", p, "2019: 44.0")
p = find(prbp, projection="RBP7", ags="15003", indicator="mean_age")
note_row("RBP7", "15003", "Magdeburg", "mean_age", "2019", "44.6", "years (base year)", p, "2019: 44.6")
p = find(prbp, projection="RBP7", ags="15", indicator="dependents_per_100_working_age")
note_row("RBP7", "15", "Sachsen-Anhalt", "dependents_per_100_working_age", "2019", "67", "persons (base year)", p, "2019: 67")
p = find(prbp, projection="RBP7", ags="15", indicator="population_aged_20_66")
note_row("RBP7", "15", "Sachsen-Anhalt", "population_aged_20_66", "2019", "1313179", "persons (base year; OLD Zensus-2011 basis)", p, "1313179 in 2019")
p = find(prbp, projection="RBP7", ags="15", indicator="annual_deaths")
note_row("RBP7", "15", "Sachsen-Anhalt", "deaths", "2035", "31600", "persons (approx.)", p, "about 31600 in 2035")
p = find(prbp, projection="RBP6_assumption", ags="15", indicator="life_expectancy_at_birth_male_assumption")
note_row("RBP6_assumption", "15", "Sachsen-Anhalt", "life_expectancy_at_birth_female_assumption", "2030", "84.8", "years", p, "female 84.8")
write(
    "projections.csv",
    [
        "Official and other population projections for Saxony-Anhalt (state ags 15 and districts) - FOR VALIDATION ONLY, not model input.",
        "Sources: data/sachsen-anhalt/sources/projections_rbp.csv and projections_other.csv (source title and URL per row). RBP7 = 7th Regionalisierte Bevoelkerungsprognose of the Statistisches Landesamt Sachsen-Anhalt (base 31.12.2019 on the OLD Zensus-2011 basis, horizon 2035, adopted 15.06.2021); RBP6_assumption = assumptions of the 6th RBP (2014-2030); BBSR / Bertelsmann / OTHER_* = non-official projections. 8th RBP (base 31.12.2022, Zensus-2022 basis) results are not available.",
        "Only values printed in the cited press/report excerpts; the full RBP district tables were not accessible. 'year' = target year of the projected value (for changes over a period the indicator name carries the period).",
        "Edits (no new numbers): non-numeric printed values were split into a number plus a qualifier in 'unit' ('under 15000' -> 15000 upper bound; 'about 316000' -> 316000 approx.; 'rund ein Fuenftel' -> -20 approx.); Bertelsmann period '2020-2040' -> year 2040 with indicator population_change_2020_2040; the Harz 2025/2035 rows appear in both source files (once as 'RBP7?', once as 'RBP7' with the attribution confirmed) and are listed once as RBP7; the Bertelsmann state change 2020-2040 (-12.3 %) appears in both files and is listed once; indicator names harmonised with state_figures.csv (annual_births -> live_births, annual_deaths -> deaths, women_aged_15_to_49 -> women_aged_15_49); base-year and companion values printed in the note of a row are given as their own rows (source column says so).",
        "Validation caution: RBP7 starts from the old-basis 2019 population (2194782), about 1.8 % above the Zensus-2022 level, so compare changes/shares rather than levels.",
    ],
    ["projection", "ags", "area", "indicator", "year", "value", "unit", "source"],
    PR,
)

# ---------------------------------------------------------------- checks reported in README
print("\n--- README checks ---")
S23 = 2144570
for a, v in (("15003", 242491), ("15002", 227639), ("15001", 76062)):
    pred = pop22[a] * S23 / 2150239
    print(f"(b) {a}: 2022 share x 2023 state = {pred:.0f}; published 2023 = {v}; diff {v - pred:+.0f} ({100 * (v - pred) / v:+.2f} %); 2022 value {pop22[a]}")
three22 = sum(pop22[a] for a in ("15001", "15002", "15003"))
three23 = 242491 + 227639 + 76062
print(f"(b) three cities: 2022 {three22} -> 2023 {three23} ({100 * (three23 / three22 - 1):+.2f} %); state {100 * (S23 / 2150239 - 1):+.2f} %; rest of state 2023 (derived) {S23 - three23} vs rule {(2150239 - three22) * S23 / 2150239:.0f}")
# (c) mortality scaling
def e0_of(q, e100):
    l, T = 1.0, 0.0
    for x, qx in enumerate(q):
        if x == 100:
            return T + l * e100
        d = l * qx
        T += l - 0.5 * d
        l -= d
DEATHS = {}
for sex, tgt in (("male", 75.92), ("female", 82.25)):
    q = [float(r["qx_" + sex]) for r in life]
    e100 = float(life[-1]["ex_" + sex])
    lo, hi = 0.5, 3.0
    for _ in range(60):
        k = (lo + hi) / 2
        if e0_of([min(1.0, k * v) for v in q], e100) > tgt:
            lo = k
        else:
            hi = k
    print(f"(c) {sex}: e0 recomputed from qx = {e0_of(q, e100):.2f} (table {life[0]['ex_' + sex]}); factor on all qx for e0 = {tgt}: {k:.4f}")
    P = {p[0]: (p[1] if sex == "male" else p[2]) for p in pas}
    lx = [float(r["lx_" + sex]) for r in life]
    def q90(qq):  # death probability of the open group 90+, weighted by table survivors l_x, x = 90..100
        return sum(lx[x] * qq[x] for x in range(90, 101)) / sum(lx[x] for x in range(90, 101))
    qs = [min(1.0, k * v) for v in q]
    dd = sum(P[x] * q[x] for x in range(90)) + P[90] * q90(q)
    dds = sum(P[x] * qs[x] for x in range(90)) + P[90] * q90(qs)
    DEATHS[sex] = (dd, dds)
    print(f"    deaths from 31.12.2023 pop x qx (90+ with l_x-weighted q90+): Germany qx {dd:.0f}, scaled {dds:.0f}")
print(f"    total: Germany qx {sum(v[0] for v in DEATHS.values()):.0f}, scaled {sum(v[1] for v in DEATHS.values()):.0f}; observed deaths 2023 = 35577")
rest22 = 2150239 - three22
for a in AGS:
    r1 = pop22[a] * S23 / 2150239
    known = {"15003": 242491, "15002": 227639, "15001": 76062}
    r2 = known.get(a, pop22[a] * (S23 - three23) / rest22)
    print(f"(b-table) {a} 2022 {pop22[a]} rule_state_share {r1:.0f} rule_cities_known {r2:.0f}")
# (d) fertility
F = {p[0]: p[2] for p in pas}
k23 = 1 + asfr_years.index("2023")
tfr23 = tfr_sums["2023"]
b = sum(float(f[k23]) / 1000 * F[f[0]] for f in fert)
print(f"(d) births implied by German ASFR 2023 x ST women 31.12.2023: {b:.0f}; scaled to TFR 1.37: {b * 1.37 / float(tfr23):.0f}; observed 2023 live births 13550; TFR reproducing 13550 with the German profile: {13550 / b * float(tfr23):.3f}")
print(f"(d) 1.37 x 1.385/1.35 = {1.37 * 1.385 / 1.35:.3f}")
w = {a: pop22[a] for a in AGS}
W = sum(w.values())
for k in ("share_foreigners", "unemployment_rate", "share_pop_65plus", "internal_migration_balance_per_10k", "external_migration_balance_per_10k"):
    print(f"(atlas) pop-weighted mean {k} = {sum(float(A[a][k]) * w[a] for a in AGS) / W:.2f}")
vr = sum(float(r[3]) * w[r[0]] for r in ds) / W
print(f"(f) pop-weighted mean district vacancy after imputation = {vr:.2f}; rate for the 12 unknown districts that would keep the pop-weighted state 8.9: {(8.9 * W - 12.5 * w['15001'] - 7.5 * w['15088']) / (W - w['15001'] - w['15088']):.2f}")
print(f"(foreign) AZR 181370 / pop 2144570 = {100 * 181370 / 2144570:.2f} %; census 123597/2146443 = {100 * 123597 / 2146443:.2f} %")
print(f"(housing) 108650 / 1229013 = {100 * 108650 / 1229013:.2f} %")

if FAILED:
    print(f"\n{len(FAILED)} CHECK(S) FAILED")
    sys.exit(1)
print("\nall checks passed")
