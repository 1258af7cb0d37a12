//! 双高 (`high_energy_emission`, SPEC §8): va_per_energy ≤ half its benchmark and
//! va_per_emission ≤ half its benchmark, both defined, against the group's benchmarks.

/// The verdict for one code with a group; `None` inputs are undefined values or benchmarks.
pub fn is_high_energy_emission(
    va_per_energy: Option<f64>,
    energy_benchmark: Option<f64>,
    va_per_emission: Option<f64>,
    emission_benchmark: Option<f64>,
) -> bool {
    let low = |v: Option<f64>, b: Option<f64>| matches!((v, b), (Some(v), Some(b)) if v <= 0.5 * b);
    low(va_per_energy, energy_benchmark) && low(va_per_emission, emission_benchmark)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_at_or_under_half() {
        assert!(is_high_energy_emission(Some(1.0), Some(2.0), Some(2.0), Some(4.0)));
        assert!(!is_high_energy_emission(Some(1.01), Some(2.0), Some(2.0), Some(4.0)));
        assert!(!is_high_energy_emission(Some(1.0), Some(2.0), None, Some(4.0)));
        assert!(!is_high_energy_emission(Some(1.0), None, Some(1.0), Some(4.0)));
    }
}
