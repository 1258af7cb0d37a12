//! The TOML configuration (`config::Config::from_toml`): Ok or Err, never a panic.
//!
//! When it is Ok, the validated invariants hold and the resolved configuration serialises to
//! JSON (the manifest writes it with `serde_json::to_value`, and a failure there stops a run).
#![no_main]

use libfuzzer_sys::fuzz_target;
use muchan_fuzz::config::{ClassMode, Config};

fuzz_target!(|text: &str| {
    let Ok(config) = Config::from_toml(text, "fuzz.toml") else { return };
    for scheme in [&config.groups.above, &config.groups.below] {
        for ind in &scheme.indicators {
            assert!(ind.weight.is_finite() && ind.weight >= 0.0, "weight {} passed validation", ind.weight);
        }
        let c = &scheme.classes;
        if c.mode == ClassMode::Share {
            assert!(0.0 <= c.a && c.a <= c.b && c.b <= c.c && c.c <= 1.0);
        }
    }
    assert!(config.scoring.cap >= 0.0);
    serde_json::to_value(&config).expect("the resolved configuration serialises to JSON");
});
