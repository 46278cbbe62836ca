//! Health information the city requires before it looks after a child.

use chrono::NaiveDate;

/// A vaccination recorded on a child's health form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vaccination {
    /// The vaccine, as the city names it.
    pub vaccine: String,
    /// The day of the last injection.
    pub date: NaiveDate,
}

/// The vaccinations the city requires that the record lacks, compared ignoring case
/// and surrounding spaces, in the city's order.
pub fn missing_vaccinations(required: &[String], recorded: &[&str]) -> Vec<String> {
    let recorded: Vec<String> = recorded.iter().map(|v| v.trim().to_lowercase()).collect();
    required
        .iter()
        .filter(|r| !recorded.contains(&r.trim().to_lowercase()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_required_and_not_recorded_is_missing() {
        let required = vec!["DTP".to_owned(), "ROR".to_owned()];
        assert_eq!(missing_vaccinations(&required, &[]), required);
        assert_eq!(missing_vaccinations(&required, &[" dtp "]), ["ROR"]);
        assert!(missing_vaccinations(&required, &["ROR", "DTP", "BCG"]).is_empty());
        assert!(missing_vaccinations(&[], &["DTP"]).is_empty());
    }
}
