//! The activity catalogue as clients see it, and the forms agents fill in.

use crate::usecases::activities::{ActivityFields, ActivityKind, Group, NewUnit, Unit};
use crate::usecases::utc;
use chrono::{DateTime, NaiveDate, Utc};
use domain::activities::{Admission, EntryDateRule, PriceBracket, RegistrationMode};
use domain::dossiers::{DocumentKind, SchoolLevel};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::openapi::enums::mirror_enum;
use crate::problem::{ApiError, FieldError};
use crate::routes::dossiers::views::{DocumentKindView, SchoolLevelView};
use crate::usecases::activities::{ActivityInput, ActivityRecord};

mirror_enum! {
    /// How registrations to an activity are decided.
    RegistrationModeView => RegistrationMode {
        /// An agent decides each registration.
        Request = "request",
        /// Accepted while places last, then waitlisted, first come first served.
        Automatic = "automatic",
        /// Holiday weeks booked and paid at once in a basket.
        Prepaid = "prepaid",
    }
}

mirror_enum! {
    /// When a registration starts.
    EntryDateRuleView => EntryDateRule {
        /// With the activity ("Non modifiable pour cette activité").
        Fixed = "fixed",
        /// On the entry date the family picks.
        Chosen = "chosen",
    }
}

/// A kind of activity (morning care, canteen, holiday centre...), which sets the
/// default deadline rules.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityKindView {
    /// The kind's id.
    pub id: i64,
    /// A stable code: lowercase letters, digits and `_`.
    #[schema(example = "morning_care")]
    pub code: String,
    /// The kind's name, as shown.
    #[schema(example = "Accueil du matin")]
    pub label: String,
}

impl From<&ActivityKind> for ActivityKindView {
    fn from(k: &ActivityKind) -> Self {
        Self {
            id: k.id,
            code: k.code.clone(),
            label: k.label.clone(),
        }
    }
}

/// A price for families whose quotient is at most `maxQuotient` (null: any).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PriceBracketView {
    /// The highest family quotient this price applies to (included); null: any
    /// quotient, the full price (also paid by families without a quotient).
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    pub max_quotient: Option<i64>,
    /// The price of one unit, in cents.
    #[validate(range(min = 0, max = 100000000))]
    #[schema(minimum = 0, maximum = 100000000, example = 350)]
    pub price_cents: i64,
}

/// What is booked on a day: "Matin", "Soir", "Repas", "Journée"...
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UnitForm {
    /// The unit's name, as families read it.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, example = "Matin")]
    pub name: String,
    /// Start time, `HH:MM` in the city's time zone.
    #[schema(example = "07:30", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub starts_at: String,
    /// End time, `HH:MM` in the city's time zone, after `startsAt`.
    #[schema(example = "08:30", pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub ends_at: String,
    /// ISO weekdays the unit runs on (1 = Monday ... 7 = Sunday).
    #[validate(length(min = 1, max = 7))]
    #[schema(min_items = 1, max_items = 7, example = json!([1, 2, 4, 5]))]
    pub weekdays: Vec<u8>,
    /// Prices by family-quotient bracket; one without `maxQuotient` (the full price)
    /// is required.
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub prices: Vec<PriceBracketView>,
}

/// A unit of an activity: what is booked (and priced) on a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnitView {
    /// The unit's id.
    pub id: i64,
    /// The unit's settings (their fields, flattened).
    #[serde(flatten)]
    pub unit: UnitForm,
}

/// A group (a centre) of an activity, with its places.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GroupForm {
    /// The group's name, as families read it.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "Maternelle Robespierre")]
    pub name: String,
    /// How many children it takes (places).
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000, example = 30)]
    pub capacity: i32,
}

/// A group's places: capacity, taken, left, and children waiting.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    /// The group's id.
    pub id: i64,
    /// The group's name.
    #[schema(example = "Maternelle Robespierre")]
    pub name: String,
    /// How many children it takes (places).
    pub capacity: i32,
    /// Places held by accepted registrations.
    pub taken: i32,
    /// Places still free (never below 0).
    pub places_left: i32,
}

impl From<&Group> for GroupView {
    fn from(g: &Group) -> Self {
        Self {
            id: g.id,
            name: g.name.clone(),
            capacity: g.capacity,
            taken: g.taken,
            places_left: domain::activities::places_left(g.capacity, g.taken),
        }
    }
}

/// An activity as an agent writes it.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(example = json!({"kindId": 1, "name": "Accueil matin maternelle", "description": "", "startsOn": "2026-09-01", "endsOn": "2027-07-02", "minAge": null, "maxAge": null, "ageReference": null, "levels": ["PS", "MS", "GS"], "mode": "automatic", "entryRule": "fixed", "familyChoosesGroup": false, "siblingRatePercent": null, "requiredDocuments": [], "cancellable": true, "unbookedSurchargePercent": 0, "units": [{"name": "Matin", "startsAt": "07:30", "endsAt": "08:30", "weekdays": [1, 2, 4, 5], "prices": [{"maxQuotient": null, "priceCents": 350}]}], "groups": [{"name": "Maternelle Robespierre", "capacity": 30}]}))]
pub struct ActivityForm {
    /// The activity kind's id.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub kind_id: i64,
    /// The activity's name, as families read it.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, example = "Accueil matin maternelle")]
    pub name: String,
    /// A description for families (empty when left out).
    #[validate(length(max = 5000))]
    #[schema(
        max_length = 5000,
        example = "Accueil des enfants de maternelle avant la classe, à l'école Robespierre."
    )]
    #[serde(default)]
    pub description: String,
    /// The activity's first day (`YYYY-MM-DD`, in the city's time zone).
    pub starts_on: NaiveDate,
    /// The activity's last day, included (`YYYY-MM-DD`, not before `startsOn`).
    pub ends_on: NaiveDate,
    /// The youngest age admitted, in whole years on `ageReference`; null: no minimum.
    #[validate(range(max = 30))]
    #[schema(maximum = 30)]
    pub min_age: Option<u32>,
    /// The oldest age admitted, in whole years on `ageReference`; null: no maximum.
    #[validate(range(max = 30))]
    #[schema(maximum = 30)]
    pub max_age: Option<u32>,
    /// The day ages are counted on (`YYYY-MM-DD`; the activity's start when null).
    pub age_reference: Option<NaiveDate>,
    /// School levels admitted; empty admits every level.
    #[validate(length(max = 8))]
    #[schema(max_items = 8)]
    #[serde(default)]
    pub levels: Vec<SchoolLevelView>,
    /// How registrations are decided.
    pub mode: RegistrationModeView,
    /// When a registration starts: with the activity, or on the family's entry date.
    pub entry_rule: EntryDateRuleView,
    /// Whether the family picks the group (centre) when registering.
    pub family_chooses_group: bool,
    /// What a child pays, in percent of the price, when a brother or sister of the
    /// dossier is registered too (null: the full price).
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub sibling_rate_percent: Option<i32>,
    /// Documents a registration needs: `health_form` comes with it; for any other kind,
    /// the dossier must hold a document of the child or family still valid on the entry
    /// day (see `GET /document-requirements`).
    #[validate(length(max = 6))]
    #[schema(max_items = 6)]
    #[serde(default)]
    pub required_documents: Vec<DocumentKindView>,
    /// Whether the family may cancel a registration online.
    pub cancellable: bool,
    /// What a child present without a booking pays on top of the price, in percent
    /// (0 by default: the plain price).
    #[validate(range(min = 0, max = 500))]
    #[schema(minimum = 0, maximum = 500)]
    #[serde(default)]
    pub unbooked_surcharge_percent: i32,
    /// At least one: what is booked (and priced) on a day.
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub units: Vec<UnitForm>,
    /// At creation only (groups change through their own operations).
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    #[serde(default)]
    pub groups: Vec<GroupForm>,
}

fn is_time(text: &str) -> bool {
    chrono::NaiveTime::parse_from_str(text, "%H:%M").is_ok() && text.len() == 5
}

impl ActivityForm {
    /// What is wrong with the form beyond each field's own limits.
    fn errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.ends_on < self.starts_on {
            errors.push(FieldError::new(
                "endsOn",
                "before_start",
                "La fin précède le début.",
                "The end comes before the start.",
            ));
        }
        if self
            .required_documents
            .iter()
            .any(|k| DocumentKind::from(*k).issued_by_city_only())
        {
            errors.push(FieldError::new(
                "requiredDocuments",
                "issued_by_city",
                "Les factures et attestations sont émises par la ville : une famille ne peut pas les fournir.",
                "Invoices and certificates are issued by the city: a family cannot provide them.",
            ));
        }
        if let (Some(min), Some(max)) = (self.min_age, self.max_age)
            && max < min
        {
            errors.push(FieldError::new(
                "maxAge",
                "below_min",
                "L'âge maximum est sous l'âge minimum.",
                "The maximum age is below the minimum.",
            ));
        }
        for (i, unit) in self.units.iter().enumerate() {
            if !is_time(&unit.starts_at)
                || !is_time(&unit.ends_at)
                || unit.ends_at <= unit.starts_at
            {
                errors.push(FieldError::new(
                    &format!("units[{i}].endsAt"),
                    "invalid_times",
                    "Heures HH:MM, la fin après le début.",
                    "Times as HH:MM, the end after the start.",
                ));
            }
            if unit.weekdays.iter().any(|d| !(1..=7).contains(d)) {
                errors.push(FieldError::new(
                    &format!("units[{i}].weekdays"),
                    "out_of_range",
                    "Jours de 1 (lundi) à 7 (dimanche).",
                    "Days from 1 (Monday) to 7 (Sunday).",
                ));
            }
            if !unit.prices.iter().any(|p| p.max_quotient.is_none()) {
                errors.push(FieldError::new(
                    &format!("units[{i}].prices"),
                    "no_full_price",
                    "Une tranche sans plafond (le plein tarif) est requise.",
                    "A bracket without a ceiling (the full price) is required.",
                ));
            }
        }
        errors
    }

    pub fn into_input(self) -> Result<ActivityInput, ApiError> {
        let errors = self.errors();
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        let eligibility = Admission {
            min_age: self.min_age,
            max_age: self.max_age,
            age_reference: self.age_reference,
            levels: self.levels.iter().map(|l| SchoolLevel::from(*l)).collect(),
        };
        let units = self
            .units
            .iter()
            .map(|u| {
                let mut days: Vec<u32> = u.weekdays.iter().map(|d| u32::from(*d)).collect();
                days.sort_unstable();
                days.dedup();
                NewUnit {
                    name: u.name.trim().to_owned(),
                    starts_at: u.starts_at.clone(),
                    ends_at: u.ends_at.clone(),
                    weekdays: days,
                    prices: u
                        .prices
                        .iter()
                        .map(|p| PriceBracket {
                            max_quotient: p.max_quotient,
                            price_cents: p.price_cents,
                        })
                        .collect(),
                }
            })
            .collect();
        Ok(ActivityInput {
            fields: ActivityFields {
                kind_id: self.kind_id,
                name: self.name.trim().to_owned(),
                description: self.description.trim().to_owned(),
                starts_on: self.starts_on,
                ends_on: self.ends_on,
                eligibility,
                mode: RegistrationMode::from(self.mode),
                entry_rule: EntryDateRule::from(self.entry_rule),
                family_chooses_group: self.family_chooses_group,
                sibling_rate_percent: self.sibling_rate_percent,
                required_documents: self
                    .required_documents
                    .iter()
                    .map(|k| DocumentKind::from(*k))
                    .collect(),
                cancellable: self.cancellable,
                unbooked_surcharge_percent: self.unbooked_surcharge_percent,
            },
            units,
            groups: self
                .groups
                .iter()
                .map(|g| (g.name.trim().to_owned(), g.capacity))
                .collect(),
        })
    }
}

pub fn unit_form(unit: &Unit) -> UnitForm {
    UnitForm {
        name: unit.name.clone(),
        starts_at: unit.starts_at.clone(),
        ends_at: unit.ends_at.clone(),
        weekdays: unit
            .weekdays
            .iter()
            .filter_map(|d| u8::try_from(*d).ok())
            .collect(),
        prices: unit
            .prices
            .iter()
            .map(|b| PriceBracketView {
                max_quotient: b.max_quotient,
                price_cents: b.price_cents,
            })
            .collect(),
    }
}

/// An activity.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    /// The activity's id.
    pub id: i64,
    /// The activity's kind.
    pub kind: ActivityKindView,
    /// The activity's name, as families read it.
    #[schema(example = "Accueil matin maternelle")]
    pub name: String,
    /// A description for families (may be empty).
    #[schema(
        example = "Accueil des enfants de maternelle avant la classe, à l'école Robespierre."
    )]
    pub description: String,
    /// The activity's first day (`YYYY-MM-DD`, in the city's time zone).
    pub starts_on: NaiveDate,
    /// The activity's last day, included (`YYYY-MM-DD`, in the city's time zone).
    pub ends_on: NaiveDate,
    /// The youngest age admitted, in whole years on `ageReference`; null: no minimum.
    pub min_age: Option<u32>,
    /// The oldest age admitted, in whole years on `ageReference`; null: no maximum.
    pub max_age: Option<u32>,
    /// The day ages are counted on (`YYYY-MM-DD`); null: the activity's start.
    pub age_reference: Option<NaiveDate>,
    /// School levels admitted; empty admits every level.
    pub levels: Vec<SchoolLevelView>,
    /// How registrations are decided.
    pub mode: RegistrationModeView,
    /// When a registration starts: with the activity, or on the family's entry date.
    pub entry_rule: EntryDateRuleView,
    /// Whether the family picks the group (centre) when registering.
    pub family_chooses_group: bool,
    /// What a child pays, in percent of the price, when a brother or sister of the
    /// dossier is registered too (null: the full price).
    pub sibling_rate_percent: Option<i32>,
    /// Documents a registration needs (the health form comes with it; the others must
    /// be in the dossier, valid on the entry day).
    pub required_documents: Vec<DocumentKindView>,
    /// Whether the family may cancel a registration online.
    pub cancellable: bool,
    /// What a child present without a booking pays on top of the price, in percent.
    pub unbooked_surcharge_percent: i32,
    /// What is booked (and priced) on a day.
    pub units: Vec<UnitView>,
    /// The groups (centres) and their places.
    pub groups: Vec<GroupView>,
    /// When the activity last changed, RFC 3339 in UTC.
    pub updated_at: DateTime<Utc>,
}

impl From<&ActivityRecord> for ActivityView {
    fn from(r: &ActivityRecord) -> Self {
        let a = &r.activity;
        let eligibility = &a.eligibility;
        Self {
            id: a.id,
            kind: ActivityKindView::from(&r.kind),
            name: a.name.clone(),
            description: a.description.clone(),
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            min_age: eligibility.min_age,
            max_age: eligibility.max_age,
            age_reference: eligibility.age_reference,
            levels: eligibility
                .levels
                .iter()
                .map(|l| SchoolLevelView::from(*l))
                .collect(),
            mode: a.mode.into(),
            entry_rule: a.entry_rule.into(),
            family_chooses_group: a.family_chooses_group,
            sibling_rate_percent: a.sibling_rate_percent,
            required_documents: a
                .required_documents
                .iter()
                .map(|k| DocumentKindView::from(*k))
                .collect(),
            cancellable: a.cancellable,
            unbooked_surcharge_percent: a.unbooked_surcharge_percent,
            units: r
                .units
                .iter()
                .map(|u| UnitView {
                    id: u.id,
                    unit: unit_form(u),
                })
                .collect(),
            groups: r.groups.iter().map(GroupView::from).collect(),
            updated_at: utc(a.updated_at),
        }
    }
}
