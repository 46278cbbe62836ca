//! The closed lists a dossier uses, each stored and served as a stable string.

use crate::stored::stored_enum;

stored_enum! {
    /// French school levels: maternelle (PS, MS, GS) then élémentaire (CP to CM2).
    SchoolLevel {
        Ps => "PS", Ms => "MS", Gs => "GS", Cp => "CP", Ce1 => "CE1", Ce2 => "CE2",
        Cm1 => "CM1", Cm2 => "CM2",
    }
}

impl SchoolLevel {
    /// Maternelle (nursery school) levels.
    pub fn is_nursery(self) -> bool {
        matches!(self, Self::Ps | Self::Ms | Self::Gs)
    }
}

stored_enum! {
    /// Meals the canteen serves; a non-religious list (the city's secular rule):
    /// a packed meal is brought from home under a care plan.
    Diet {
        Standard => "standard", Vegetarian => "vegetarian", NoMeat => "no_meat",
        PackedMeal => "packed_meal",
    }
}

stored_enum! {
    /// A guardian's tie to the children.
    Relationship { Mother => "mother", Father => "father", Guardian => "guardian", Other => "other" }
}

stored_enum! {
    /// A person the family names: who may collect the children, who to call.
    ContactKind { Pickup => "pickup", Emergency => "emergency" }
}

stored_enum! {
    /// What a document is.
    DocumentKind {
        HealthForm => "health_form", IncomeProof => "income_proof",
        AddressProof => "address_proof", Invoice => "invoice", Certificate => "certificate",
        Other => "other", SchoolInsurance => "school_insurance",
        VaccinationRecord => "vaccination_record", CarePlan => "care_plan",
        DirectDebitMandate => "direct_debit_mandate",
    }
}

impl DocumentKind {
    /// Kinds only the city issues: a family cannot upload an invoice, a certificate or
    /// a direct debit mandate (it signs one through the API).
    pub fn issued_by_city_only(self) -> bool {
        matches!(
            self,
            Self::Invoice | Self::Certificate | Self::DirectDebitMandate
        )
    }

    /// Health forms, vaccination pages and care plans hold health data: agents' reads
    /// of them are audited.
    pub fn holds_health_data(self) -> bool {
        matches!(
            self,
            Self::HealthForm | Self::VaccinationRecord | Self::CarePlan
        )
    }
}

stored_enum! {
    /// Where an agent's review of a document stands: a family's upload waits for it; a
    /// document the city adds is accepted as it is filed.
    DocumentStatus { Pending => "pending", Accepted => "accepted", Refused => "refused" }
}

stored_enum! {
    /// Who put a document in the dossier.
    DocumentOrigin { Family => "family", City => "city" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_from_its_text() {
        for level in SchoolLevel::ALL {
            assert_eq!(level.as_str().parse::<SchoolLevel>(), Ok(*level));
        }
        for kind in DocumentKind::ALL {
            assert_eq!(kind.as_str().parse::<DocumentKind>(), Ok(*kind));
        }
        assert!("ps".parse::<SchoolLevel>().is_err());
    }

    #[test]
    fn nursery_levels_are_the_three_maternelle_ones() {
        let nursery: Vec<_> = SchoolLevel::ALL.iter().filter(|l| l.is_nursery()).collect();
        assert_eq!(
            nursery,
            [&SchoolLevel::Ps, &SchoolLevel::Ms, &SchoolLevel::Gs]
        );
    }
}

stored_enum! {
    /// A CSV import of dossiers: checked (the dry run's report kept), then imported.
    ImportStatus { Checked => "checked", Imported => "imported" }
}
