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
    "alerts.csv cbc947d0bfab8cbb105b6409c532ec2bf6caf6ac183b767b8456200092b3becf",
    "commitments.csv e9293529aa4cc4910f144860042c8ed7d6ecaa703e4bdf8fa4f6ef89cbd2427e",
    "data_quality.csv 4fb71a7e89f3295e3b71cd620a295257e1f2bcade9d786dff17d3350a75f7229",
    "enterprises.csv f0a392f1010c405b830c81309634596caa5b2c317ac66b093d35a2c77c42111e",
    "enterprises.parquet e00b6aa7ee4638f0d86d119497b33cde60ee686fc06754b6f1d5cfa0b54250ad",
    "history.csv 0a6fd1630d1c4f6ead9842aa5693377eb6e2daa83ceae041551d8929798a6b22",
    "low_efficiency.csv 1e8bd5649268d89b41abb2000002e0a55aca525f49969ec1e8bef8e7e166bb97",
    "parcels.geojson ea4d0d0406dd0f32cbdb0bfbff3252b66f3822d172f06b96c4257d210dd2d513",
    "reclaim_blocks.geojson f9d0263596c6caeb3de303d04d6cf89816e52e57e92ea64528152e42ee627a5b",
    "report.html 61936d3061144535e65cae8b9afba90d288b4f6c896fa061b02c57ab0f4dd636",
    "summary.json bab76a5908130c57325b20d7a4c73eaaf2255186be1af6e4b4bfc7bab0c9078b",
];
const SAMPLE_ZH: &[&str] = &[
    "alerts.csv 7ae3a0d950efe2a426346b7045649ae71fa6a70fae0ea1077965c565618d5124",
    "commitments.csv 840cf3ca0da9a58ac4292c090ff887ce4dc6e2a5d2db0d5f10a1b6ed86b7111a",
    "data_quality.csv e1856aaacfe3a636371fb8843735112323cd86f3c2f1c6c317af1ad0a18bb361",
    "enterprises.csv 5d4eb188af473955b46f92a4199845bde228d9782b242a4bf5019a702dd8d721",
    "enterprises.parquet e00b6aa7ee4638f0d86d119497b33cde60ee686fc06754b6f1d5cfa0b54250ad",
    "history.csv dcead7886c406ed99c79be6d942586c85235d387ba4bd16329d4915c769d2b88",
    "low_efficiency.csv 7c9ce0fc72f3a94c2a831806b07efc652adb258025fcbde591cff5f1a2670b59",
    "parcels.geojson ea4d0d0406dd0f32cbdb0bfbff3252b66f3822d172f06b96c4257d210dd2d513",
    "reclaim_blocks.geojson f9d0263596c6caeb3de303d04d6cf89816e52e57e92ea64528152e42ee627a5b",
    "report.html bb27674eeb513d1f032a59b59d58ba68f106b61bb785f9d167162f5328794dc0",
    "summary.json bab76a5908130c57325b20d7a4c73eaaf2255186be1af6e4b4bfc7bab0c9078b",
];
const LONLAT_5: &[&str] = &[
    "alerts.csv 31d49c4e1a4127a78f1e8ecfa07b062e9a855bdd6a48345c188e15d690658aeb",
    "commitments.csv 58b1b3a5e150e2cdf372a0b4a8d8e2fc0678783e59cce0e5ac2ee0daf7677240",
    "data_quality.csv 84a0857b1a9f922756732b49a118300c262411d5815491c4c3e47e3493308bbe",
    "enterprises.csv 516366690ce8f072c93d8a05b8580d8e313f00caabddcf9a81c0471381647691",
    "enterprises.parquet 0efc9d9853ddfc31eb7016d6a0d0d07834486f4af50f2a7a497c3e681fd7a476",
    "history.csv 879b6c9780c5f5ee2f4af8d7d10bfae8fcb41f2084a88e0f63de63bdb014e071",
    "low_efficiency.csv ab8676ffcee9695cddabd065e8f9f56c928471cfa104abf948efec76d325c6ff",
    "parcels.geojson c67ba5962df72cb22866cc11e90602956aff27956690bb8e5b02866c7230637d",
    "reclaim_blocks.geojson 2a1fff03aacfb57604ee5dc15e54d25bebc61f9a8e1ed7dac16ca22b9f1df157",
    "report.html 598282121d3a090653f2780db979a48cdb0440ae53fbc33de136fd4f851fbb9b",
    "summary.json 822d102ac771db2b13443427f4d8ef9e7ab0ef5fc65c66fbd087af983a90736e",
];
const GAUSS_KRUGER_11: &[&str] = &[
    "alerts.csv 419554b6945536ee53c23434607f7b47c3997b32d2dbe521c9202ffdc5d02893",
    "commitments.csv 1e836ae2866a19a4d80bdea7e464389b2318e35522c237a91feae6eee4cc5927",
    "data_quality.csv bf3a657f4b4fba97876a7e6c6870e10213d8b7ebfe9d077d67012277a99c46b6",
    "enterprises.csv 4f786c6451ded2ccd1c22d922cd810e03533ffd894c34bee70e7f567cae5a754",
    "enterprises.parquet 7b5430addf830ad59bf4cd07608c88eb368f97ac8abe6cde74a0abf1a01a129e",
    "history.csv 61f63051b28211841f4b28f1c54e9f585906e23f4cb2687371093f400a970f9c",
    "low_efficiency.csv 81d743f30c669c92d5d619b9c88c70335d9f12f44871030b305e2f56a340954b",
    "parcels.geojson 59aba1382d656143bf1ad02354cfaef154b0813b999b7595e75435f645e71016",
    "reclaim_blocks.geojson 929d81d5d2afff0b3ab6db353fa7c9ad35d5f2342d5ee72bb4640f5f174d0b63",
    "report.html c78b89119c03776df3185716cbc85c9927f002955187348daf282bfbb7948062",
    "summary.json 2ee7fdaae1716a50e76b9b1f009907e38eafde681eb872b14013839eb12ecc39",
];
