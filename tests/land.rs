//! Land per enterprise (SPEC §4) on hand-drawn parcels: own − leased out + leased in, leases
//! capped in file order, ignored leases, registered area and repairs.

mod common;
use common::*;

#[test]
fn leases_in_and_out_with_caps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (owner, tenant, other) = (code(41), code(42), code(43));
    write(
        dir.path(),
        "enterprises.csv",
        &format!("credit_code,year,revenue\n{owner},2024,100\n{tenant},2024,100\n{other},2024,100\n"),
    );
    write_no_tax(dir.path());
    // P1: 30 mu of owner; P2: 12 mu with no user.
    write(dir.path(), "parcels.geojson", &parcels_for(&[(&owner, 30.0), ("", 12.0)]));
    write(
        dir.path(),
        "leases.csv",
        &format!(
            "宗地编号,承租方代码,租赁面积(亩)\n\
             P1,{tenant},10\n\
             P1,{other},25\n\
             P1,{tenant},5\n\
             P2,{tenant},\n\
             P1,{owner},1\n\
             P9,{tenant},1\n\
             P1,,1\n\
             P1,{tenant},-2\n"
        ),
    );
    let (eval, ledger) = evaluate(dir.path(), "");
    // P1: tenant 10, other capped at the 20 left, tenant's 5 finds 0 left (capped).
    assert_close(f64_at(&eval, &owner, "land_mu"), 0.0, 0.0);
    assert_eq!(str_at(&eval, &owner, "status").as_deref(), Some("no_land"));
    assert_close(f64_at(&eval, &other, "land_mu"), 20.0, 1e-6);
    // tenant: 10 of P1 + all 12 of P2 (empty area = what is left; no user to subtract from).
    assert_close(f64_at(&eval, &tenant, "land_mu"), 22.0, 1e-6);
    let issues = ledger.sorted();
    let count = |code: &str| issues.iter().filter(|i| i.table == "leases" && i.code == code).count();
    assert_eq!(count("lease_capped"), 2);
    assert_eq!(count("lease_ignored"), 4, "own user, unknown parcel, no lessee, negative area");
}

#[test]
fn registered_area_source_and_mismatch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = code(51);
    write(dir.path(), "enterprises.csv", &format!("credit_code,year,revenue\n{a},2024,100\n"));
    write_no_tax(dir.path());
    let parcels = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"EPSG:4549"}}}},"features":[
        {{"type":"Feature","properties":{{"parcel_id":"P1","credit_code":"{a}","registered_mu":"16"}},"geometry":{{"type":"Polygon","coordinates":{}}}}},
        {{"type":"Feature","properties":{{"parcel_id":"P2","credit_code":"{a}","registered_mu":"4"}},"geometry":null}}]}}"#,
        rect(500_000.0, 3_300_000.0, 100.0, 100.0)
    );
    write(dir.path(), "parcels.geojson", &parcels);
    // measured: 15 mu (100 m square) + the null geometry's registered 4 mu.
    let (measured, ledger) = evaluate(dir.path(), "");
    assert_close(f64_at(&measured, &a, "land_mu"), 19.0, 1e-9);
    assert!(ledger.sorted().iter().any(|i| i.code == "area_mismatch" && i.row == 1));
    assert!(ledger.sorted().iter().any(|i| i.code == "no_geometry" && i.row == 2));
    let (registered, _) = evaluate(dir.path(), "[land]\narea_source = \"registered\"\n");
    assert_close(f64_at(&registered, &a, "land_mu"), 20.0, 1e-9);
}

#[test]
fn lonlat_parcels_use_the_ellipsoid_and_repairs_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = code(61);
    write(dir.path(), "enterprises.csv", &format!("credit_code,year,revenue\n{a},2024,100\n"));
    write_no_tax(dir.path());
    // A 0.001° cell at 120°E 30°N, unclosed and with a repeated vertex: 10695.687027990818 m²
    // on GRS80 (geographiclib).
    let parcels = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"宗地编号":"P1","权利人代码":"{a}"}},
        "geometry":{{"type":"Polygon","coordinates":[[[120,30],[120.001,30],[120.001,30],[120.001,30.001],[120,30.001]]]}}}}]}}"#
    );
    write(dir.path(), "parcels.geojson", &parcels);
    let (eval, ledger) = evaluate(dir.path(), "");
    assert_close(f64_at(&eval, &a, "land_mu"), 10695.687027990818 / (10000.0 / 15.0), 1e-6);
    let issues = ledger.sorted();
    let codes: Vec<&str> = issues.iter().filter(|i| i.table == "parcels").map(|i| i.code).collect();
    assert!(codes.contains(&"ring_closed") && codes.contains(&"vertex_repeated"), "{codes:?}");
}
