"""Checks the file written by write_sample against the HDF5 output contract.

Run with Debian's /usr/bin/python3 (h5py, xarray, h5netcdf from apt), as ctest does:
    /usr/bin/python3 read_back.py sample.h5
"""
import shutil
import subprocess
import sys

import h5py
import numpy as np
import xarray as xr

MONTHS = 36
KEYS = ["15001", "15002", "15003"]
NAMES = ["Dessau-Roßlau", "Halle (Saale)", "Magdeburg"]


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def check_xarray(path):
    expected_time = np.array(
        [np.datetime64(f"{2024 + m // 12}-{m % 12 + 1:02d}-01", "ns") for m in range(MONTHS)])
    t = np.arange(MONTHS, dtype=float)[:, None]
    d = np.arange(len(KEYS), dtype=float)[None, :]
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        expect(ds.sizes["time"] == MONTHS and ds.sizes["district"] == 3, f"sizes {dict(ds.sizes)}")
        expect(np.issubdtype(ds["time"].dtype, np.datetime64), f"time dtype {ds['time'].dtype}")
        expect(np.array_equal(ds["time"].values, expected_time), f"time {ds['time'].values}")
        expect(list(ds["district"].values) == KEYS, f"district {ds['district'].values}")
        expect(list(ds["district_name"].values) == NAMES, f"names {ds['district_name'].values}")
        expect(ds["population"].dims == ("time", "district"), f"dims {ds['population'].dims}")
        expect(np.array_equal(ds["population"].values, 1000.0 * (d + 1) + t), "population")
        expect(np.array_equal(ds["births"].values, 0.5 * t + d), "births")
        expect(ds["population"].attrs["units"] == "persons", "population units")
        expect(ds["population"].dtype == np.float64, "population dtype")
        a = ds.attrs
        expect(a["title"] == "Brocken write_sample", f"title {a['title']!r}")
        expect(isinstance(a["scenario_yaml"], str) and a["scenario_yaml"] == "y" * 100_000,
               "100 kB attribute")
        expect(a["note"] == "Grüße aus Sachsen-Anhalt", f"note {a['note']!r}")
        expect(a["empty"] == "", f"empty {a['empty']!r}")
        expect(a["seed"] == 20240101 and a["seed"].dtype == np.int64, f"seed {a['seed']!r}")
        expect(a["scale"] == 0.25 and a["scale"].dtype == np.float64, f"scale {a['scale']!r}")
        expect(ds["time"].encoding["units"] == "days since 2024-01-01", "time units")
        expect(ds["time"].encoding["calendar"] == "standard", "time calendar")
    with xr.open_dataset(path, engine="h5netcdf", group="policy") as pol:
        expect(pol["spending"].dims == ("time",), f"spending dims {pol['spending'].dims}")
        expect(np.array_equal(pol["spending"].values, 100.0 + np.arange(MONTHS)), "spending")
        expect(pol["spending"].attrs["units"] == "EUR", "spending units")


def check_h5py(path):
    with h5py.File(path, "r") as f:
        for name in ("population", "births", "policy/spending"):
            ds = f[name]
            expect(ds.chunks is not None and ds.chunks[0] == MONTHS, f"{name} chunks {ds.chunks}")
            expect(ds.compression == "gzip" and ds.compression_opts == 4,
                   f"{name} compression {ds.compression} {ds.compression_opts}")
            expect(ds.shuffle, f"{name} shuffle")
            expect(ds.dims[0][0] == f["time"], f"{name} time scale")
        expect(f["population"].dims[1][0] == f["district"], "district scale")
        expect(h5py.h5ds.is_scale(f["time"].id) and h5py.h5ds.is_scale(f["district"].id),
               "dimension scales")
        expect(f["time"].dtype == np.float64, "time dtype")
        expect(h5py.check_string_dtype(f["district"].dtype).encoding == "utf-8", "district dtype")
        # Fixed-length string attributes (netCDF's NC_CHAR) come back from h5py as bytes.
        units = f["time"].attrs["units"]
        expect(isinstance(units, bytes) and units.decode("utf-8") == "days since 2024-01-01",
               f"time units (h5py) {units!r}")
        expect(f.attrs["empty"] == "", f"empty attribute (h5py) {f.attrs['empty']!r}")
        expect(f.attrs["seed"].dtype == np.int64, "seed dtype (h5py)")


def check_ncdump(path):
    ncdump = shutil.which("ncdump") or "/usr/bin/ncdump"
    header = subprocess.run([ncdump, "-h", path], capture_output=True, text=True, check=True)
    out = header.stdout
    for needle in ("time = 36 ;", "district = 3 ;", "double population(time, district) ;",
                   "string district_name(district) ;", "group: policy {",
                   "double spending(time) ;", 'time:units = "days since 2024-01-01" ;',
                   'time:calendar = "standard" ;', ":seed = 20240101LL ;"):
        expect(needle in out, f"ncdump -h lacks {needle!r}:\n{out[:3000]}")
    # The full dump reads every variable, including the variable-length strings.
    full = subprocess.run([ncdump, path], capture_output=True, text=True, check=True)
    expect('"Dessau-Roßlau"' in full.stdout, "ncdump data lacks district names")


def main():
    path = sys.argv[1]
    check_xarray(path)
    check_h5py(path)
    check_ncdump(path)
    print(f"read_back: {path} OK")


if __name__ == "__main__":
    main()
