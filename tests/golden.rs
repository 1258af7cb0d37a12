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
    let options = GenerateOptions { enterprises: 400, seed, crs, year: 2024, messy: true };
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
    "data_quality.csv c7134fb6d5b201830429f9e5d4823c8f8386b6c00a93145460dc966acaddac31",
    "enterprises.csv 80f6aa9248b64f3669539c0bf173656697852ad4d486d75aa1a877bba2bd6cad",
    "enterprises.parquet 54622df591f95523521bf634020bbf322c18c4c9517e0a638be76415d3d69be7",
    "parcels.geojson 159e93acf6457421a019050035314afa3a17dc45e589d4458cc470a454fdeae0",
    "reclaim_blocks.geojson db69071ccfa596151efd5b6ffb55329bdf85b5df4dc9611e2f3de77c71017ff6",
    "report.html fcfeeda3d08f9693a7967fcbea7fd4f7efa87c9d17f95af49f388d42e1b81000",
    "summary.json 13ce4ec457877d6da7495edfe9bad5a5d72525ef0c53ae63fcc5f3f81e970455",
];
const SAMPLE_ZH: &[&str] = &[
    "data_quality.csv 84642753270e99063bd9261440aa9a2c6532768ae80af320c608386b2519bd0a",
    "enterprises.csv 75645255c3c85a147a0237385a980c2caa86c34192d7c0623d699df0207f5ae2",
    "enterprises.parquet 54622df591f95523521bf634020bbf322c18c4c9517e0a638be76415d3d69be7",
    "parcels.geojson 159e93acf6457421a019050035314afa3a17dc45e589d4458cc470a454fdeae0",
    "reclaim_blocks.geojson db69071ccfa596151efd5b6ffb55329bdf85b5df4dc9611e2f3de77c71017ff6",
    "report.html 967d23fefba76878b2d4dd5e4ddcc8f9231235702486f288f3c177f4edaecc0f",
    "summary.json 13ce4ec457877d6da7495edfe9bad5a5d72525ef0c53ae63fcc5f3f81e970455",
];
const LONLAT_5: &[&str] = &[
    "data_quality.csv f75fe87b6357892456e5ad27d5a2a7daae131a3d979d954c5110225e2739a757",
    "enterprises.csv 41f2a69ec40a5fe8d2be40901818ba2ef0e0548471d16127d32e98051854d4ca",
    "enterprises.parquet cf2e82ad08398338ea6ff6527bbaa75f5d3935e7b5f3f67c271ef329b710ec56",
    "parcels.geojson 7d7c5f6f0a81331d9455e0a8ee9a688c97fa57536af37a5748ad0e4a1a6d5332",
    "reclaim_blocks.geojson d44700cfa75177ad0c72daa09cf06c47281fef573bc0ba1f01ffb1769c7dfcca",
    "report.html 9677f6b106083aa0ce2df21bda57255e1be63c7e654bba40c5327b596a265c8b",
    "summary.json dc33b905800318e5cd1c29b388dff4f7506e9e79856555451cde5048e5bfdaef",
];
const GAUSS_KRUGER_11: &[&str] = &[
    "data_quality.csv 8d04935483bf330b160c5e0358e550f064d0dbe0675ee7761a3f038ea2f91b74",
    "enterprises.csv 5ff58518d8e62727a3ce1e247d2c768b615022f6262afd6f37fe016ac47d703d",
    "enterprises.parquet 974e10e99366e89b9401c8445b1ddd6ec59504ab91b432c690bf6505a830c9b8",
    "parcels.geojson 6244bf4a6b553b7c7bd0261fecdc1b26a06898c4c0c0b1dc2147952f05814852",
    "reclaim_blocks.geojson a33be0e02941585e1afb420a0b878e688e567be3c6561d4a841b70cf722ff2c5",
    "report.html b6458d6eca31c182ea0caa9ccce13a3cd57ef8795dce57ef99a68d91dd29d682",
    "summary.json 805601167a42425fcaea51c9453bd79c0af2802f21632967a712e0d69121efc5",
];
