//! Flags and reclaimable land end to end (SPEC §8–9): a dormant-power zombie, a 双高
//! enterprise, and a block of a zombie's parcel with an idle neighbour.

mod common;
use common::*;
use muchan::domain::ReclaimReason;

#[test]
fn zombie_high_emission_and_reclaim_blocks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, h, z) = (code(81), code(82), code(83), code(84));
    write(
        dir.path(),
        "enterprises.csv",
        &format!(
            "credit_code,year,scale,value_added,revenue,profit\n\
             {a},2024,above,100,3000,5\n{b},2024,above,100,3000,5\n{h},2024,above,100,3000,5\n{z},2024,below,,100,1\n"
        ),
    );
    write(dir.path(), "tax.csv", &format!("credit_code,year,tax\n{a},2024,20\n{b},2024,20\n{h},2024,20\n{z},2024,5\n"));
    let mut energy = format!(
        "credit_code,year,month,electricity_kwh,energy_tce,emissions\n{a},2024,,,10,1\n{b},2024,,,10,1\n{h},2024,,,100,10\n"
    );
    for m in 1..=12 {
        // Months 3–8 under 1,000 kWh; month 1 has a row with no value (unknown).
        let kwh = match m {
            1 => String::new(),
            3..=8 => "500".to_string(),
            _ => "5000".to_string(),
        };
        energy.push_str(&format!("{z},2024,{m},{kwh},,\n"));
    }
    write(dir.path(), "energy.csv", &energy);
    let h10 = 200.0 / 3.0; // 100 m × 66.67 m = 10 mu
    let parcels = gk_parcels(&[
        ("P1", &a, "工业用地", rect(500_000.0, 3_300_000.0, 100.0, h10)),
        ("P2", &z, "工业用地", rect(500_100.0, 3_300_000.0, 100.0, h10)),
        ("P3", "", "工业用地", rect(500_200.2, 3_300_000.0, 100.0, h10)),
        ("P4", "", "M1", rect(510_000.0, 3_300_000.0, 50.0, h10)),
        ("P5", &b, "工业用地", rect(520_000.0, 3_300_000.0, 100.0, h10)),
        ("P6", &h, "工业用地", rect(530_000.0, 3_300_000.0, 100.0, h10)),
    ]);
    write(dir.path(), "parcels.geojson", &parcels);
    let (eval, _) = evaluate(dir.path(), "");

    let flags = |code: &str| eval.flags.get(code).expect("flagged");
    assert_eq!(flags(&z).zombie.rules_text(), "dormant_power");
    assert!(flags(&z).zombie.zombie);
    assert!(!flags(&a).zombie.zombie);
    // va_per_energy: 1 ≤ ½·(300 ÷ 120); va_per_emission: 10 ≤ ½·(300 ÷ 12).
    assert_eq!(flags(&h).high_energy_emission, Some(true));
    assert_eq!(flags(&a).high_energy_emission, Some(false));
    assert_eq!(flags(&z).high_energy_emission, Some(false), "below group, values undefined");

    let blocks = &eval.blocks;
    assert_eq!(blocks.len(), 2);
    // Block 1: P2 (zombie owner) + P3 (industrial, no user, 0.2 m gap): 20 mu.
    assert_eq!(blocks[0].parcel_ids, vec!["P2", "P3"]);
    assert_close(Some(blocks[0].area_mu), 20.0, 1e-6);
    assert_close(Some(blocks[0].current_tax), 5.0, 1e-9);
    // Potential at the above group's tax_per_mu benchmark 60 ÷ 30 = 2 per mu.
    assert_close(Some(blocks[0].potential_tax), 40.0, 1e-6);
    assert_close(Some(blocks[0].gain), 35.0, 1e-6);
    assert_eq!(blocks[1].parcel_ids, vec!["P4"]);
    assert_close(Some(blocks[1].gain), 10.0, 1e-6);
    let rows: Vec<_> = eval.parcels.rows().collect();
    assert_eq!(rows[1].reclaim.reasons, [ReclaimReason::ZombieOwner]);
    assert_eq!(rows[2].reclaim.reasons, [ReclaimReason::Idle]);
    assert!(rows[0].reclaim.reasons.is_empty() && rows[4].reclaim.reasons.is_empty());
    assert_eq!(rows[1].reclaim.block_id, Some(1));
    assert_eq!(rows[1].neighbourhood.neighbours, vec![0, 2]);
}
