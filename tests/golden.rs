//! Golden outputs: the SHA-256 of every output file (the manifest aside, which holds timings)
//! of the bundled sample and of two generated messy counties, pinned. A change to the code that
//! changes any output byte fails here; a change meant to change outputs updates the hashes in
//! the same commit and says why.

use muchan::generate::{GenerateOptions, OutputCrs, generate};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

fn run(data: &Path, out: &Path, extra: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_muchan"))
        .args(["run", "--quiet", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .status()
        .expect("runs");
    assert!(status.success(), "muchan run failed on {}", data.display());
}

/// `name sha256` per output file, sorted by name, the manifest left out.
fn hashes(out: &Path) -> Vec<String> {
    let mut lines: Vec<String> = std::fs::read_dir(out)
        .expect("output folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "manifest.json"))
        .map(|p| {
            let digest = Sha256::digest(std::fs::read(&p).expect("read output"));
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            format!("{} {hex}", p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default())
        })
        .collect();
    lines.sort();
    lines
}

fn assert_hashes(out: &Path, expected: &[&str]) {
    let actual = hashes(out);
    assert_eq!(actual, expected, "outputs in {} differ from the pinned ones:\n{}", out.display(), actual.join("\n"));
}

fn generated(dir: &Path, crs: OutputCrs, seed: u64) {
    let options = GenerateOptions { enterprises: 400, seed, crs, year: 2024, messy: true, counties: None };
    generate(&options, dir).expect("generate");
}

#[test]
fn the_bundled_sample_gives_the_pinned_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    run(&data, &dir.path().join("en"), &[]);
    assert_hashes(&dir.path().join("en"), SAMPLE_EN);
    run(&data, &dir.path().join("zh"), &["--lang", "zh"]);
    assert_hashes(&dir.path().join("zh"), SAMPLE_ZH);
}

#[test]
fn generated_counties_give_the_pinned_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (crs, seed, expected) in [(OutputCrs::LonLat, 5, LONLAT_5), (OutputCrs::GaussKruger, 11, GAUSS_KRUGER_11)] {
        let data = dir.path().join(format!("data{seed}"));
        generated(&data, crs, seed);
        let out = dir.path().join(format!("out{seed}"));
        run(&data, &out, &[]);
        assert_hashes(&out, expected);
    }
}

const SAMPLE_EN: &[&str] = &[
    "alerts.csv 13a7a8e7418a7ffd65a7114dc311413a8a9c814e324c7bf5a8bf03d0037486b1",
    "data_quality.csv c7134fb6d5b201830429f9e5d4823c8f8386b6c00a93145460dc966acaddac31",
    "enterprises.csv 0a14e70e44e00251b9352537812f115eda27e3c6ed1aaa28f09c9d8d3f8fcac0",
    "enterprises.parquet 7a333594cfcf2349738057b4d16f489b4ba82565473ad2df3e3e9828bd666d5d",
    "history.csv 0d011d15b9cde182178251806f9619ee9775d36a85d9d34106665e82d9abefff",
    "parcels.geojson 159e93acf6457421a019050035314afa3a17dc45e589d4458cc470a454fdeae0",
    "reclaim_blocks.geojson db69071ccfa596151efd5b6ffb55329bdf85b5df4dc9611e2f3de77c71017ff6",
    "report.html 7de62f9e5ff4eaee047e4b224670a4fbba667824cc964a20131af451b358555e",
    "summary.json 4375527ff1d54091e4ce4a19eda276007884d84671ad6f8dac2c101da39669a3",
];
const SAMPLE_ZH: &[&str] = &[
    "alerts.csv 9ceceb8cd504046f4109e124e1bbeaa353c24b974f854e92d6dc83871e586b4a",
    "data_quality.csv 84642753270e99063bd9261440aa9a2c6532768ae80af320c608386b2519bd0a",
    "enterprises.csv a1fed3fe6aa3c6f836e6969182036da478c6456211f874538b116f4bdf526333",
    "enterprises.parquet 7a333594cfcf2349738057b4d16f489b4ba82565473ad2df3e3e9828bd666d5d",
    "history.csv 6b794dec4a3d89439a5182f3396d4bdef37cfe211704383f02008545f7f53757",
    "parcels.geojson 159e93acf6457421a019050035314afa3a17dc45e589d4458cc470a454fdeae0",
    "reclaim_blocks.geojson db69071ccfa596151efd5b6ffb55329bdf85b5df4dc9611e2f3de77c71017ff6",
    "report.html 9dc49fdf5dd430e2bc5c866012c48a47a7f59629f3a5d7fda5bff5a9f55ae8a6",
    "summary.json 4375527ff1d54091e4ce4a19eda276007884d84671ad6f8dac2c101da39669a3",
];
const LONLAT_5: &[&str] = &[
    "alerts.csv 31d49c4e1a4127a78f1e8ecfa07b062e9a855bdd6a48345c188e15d690658aeb",
    "data_quality.csv f75fe87b6357892456e5ad27d5a2a7daae131a3d979d954c5110225e2739a757",
    "enterprises.csv 516366690ce8f072c93d8a05b8580d8e313f00caabddcf9a81c0471381647691",
    "enterprises.parquet 0efc9d9853ddfc31eb7016d6a0d0d07834486f4af50f2a7a497c3e681fd7a476",
    "history.csv 879b6c9780c5f5ee2f4af8d7d10bfae8fcb41f2084a88e0f63de63bdb014e071",
    "parcels.geojson 7d7c5f6f0a81331d9455e0a8ee9a688c97fa57536af37a5748ad0e4a1a6d5332",
    "reclaim_blocks.geojson d44700cfa75177ad0c72daa09cf06c47281fef573bc0ba1f01ffb1769c7dfcca",
    "report.html 342db9c6b85961725c52631c0094b46dccfb3a938d0dcdb1de0f5e23f77ba074",
    "summary.json 0f4c962e1e3fc078db972444527d72b87562af1da36c5bd4aa514d5c6e198233",
];
const GAUSS_KRUGER_11: &[&str] = &[
    "alerts.csv 419554b6945536ee53c23434607f7b47c3997b32d2dbe521c9202ffdc5d02893",
    "data_quality.csv 8d04935483bf330b160c5e0358e550f064d0dbe0675ee7761a3f038ea2f91b74",
    "enterprises.csv 4f786c6451ded2ccd1c22d922cd810e03533ffd894c34bee70e7f567cae5a754",
    "enterprises.parquet 7b5430addf830ad59bf4cd07608c88eb368f97ac8abe6cde74a0abf1a01a129e",
    "history.csv 61f63051b28211841f4b28f1c54e9f585906e23f4cb2687371093f400a970f9c",
    "parcels.geojson 6244bf4a6b553b7c7bd0261fecdc1b26a06898c4c0c0b1dc2147952f05814852",
    "reclaim_blocks.geojson a33be0e02941585e1afb420a0b878e688e567be3c6561d4a841b70cf722ff2c5",
    "report.html 702807400ab0018e4d5042c7c18502bd83575bd3afc6b07dc4527ffcd74842e7",
    "summary.json 77e9872afb5405a6e76e5ec1518ed70b91e51aeb5eb1d3faf34c814fbbe83802",
];
