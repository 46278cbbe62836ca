//! A planning: for each child, accepted registration, unit and day of a range, whether
//! the day is open, booked, pending in the draft, changeable now and until when, and
//! its price. Everything is loaded in a fixed handful of queries, whatever the range.

pub mod activity_catalog;
pub mod attendance;
pub mod calendar_feeds;
pub mod changes;
pub mod city_calendar;
pub mod deadline_rules;
pub mod deadline_table;
pub mod reminders;
pub mod school_calendar;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use domain::activities::{PriceBracket, RegistrationMode, unit_price};
use domain::calendar::{HolidayRegion, SUPPORTED_YEARS, public_holidays};
use domain::dossiers::QuotientPeriod;
use domain::planning::{
    self, BookingStatus, Calendar, ChangeDecision, ClosedReason, DaySetting, day_state,
};
use persistence::activities::Unit;
use persistence::dossiers::children::Child;
use persistence::dossiers::{children, households, quotients};
use persistence::planning::{self as store, ActivitySlot, RegistrationSlot, Scope};
use persistence::{AnyConnection, DbError};

use crate::problem::FieldError;
use crate::snapshot::Snapshot;
use crate::usecases::dossiers::households::{Custodies, CustodyIndex};
use crate::usecases::planning::activity_catalog::ActivityCatalog;
use crate::usecases::planning::city_calendar::CityCalendar;
use crate::usecases::planning::deadline_rules::EffectiveRules;
use crate::usecases::{CommonRefusal, Outcome, UseCaseError};

/// The longest range one planning request covers.
pub const MAX_RANGE_DAYS: i64 = 366;

pub use domain::planning::Action;

/// Why one day's change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRefusal {
    /// The deadline passed at this instant.
    DeadlinePassed(DateTime<Utc>),
    /// The booking window opens at this instant.
    WindowNotOpen(DateTime<Utc>),
    /// The rule gives this day no window (a holiday-centre day outside the holidays).
    NoWindow,
    /// The unit does not run that day for this child.
    DayClosed(ClosedReason),
    /// Every place of the group is taken that day.
    DayFull,
    /// The child holds no accepted registration with this unit on that day.
    NotRegistered,
    /// Holiday weeks paid at once are booked through the basket.
    PrepaidActivity,
    /// The city closed the day: the booking can no longer change.
    BookingClosed,
    /// The day is in the custody of the child's other household (separated parents).
    NotInCustody,
}

impl DayRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::DeadlinePassed(_) => "deadline_passed",
            Self::WindowNotOpen(_) => "window_not_open",
            Self::NoWindow => "no_booking_window",
            Self::DayClosed(_) => "day_not_open",
            Self::DayFull => "day_full",
            Self::NotRegistered => "not_registered",
            Self::PrepaidActivity => "prepaid_activity",
            Self::BookingClosed => "booking_closed",
            Self::NotInCustody => "not_in_custody",
        }
    }
}

/// Whether a day's unit may change now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed until this instant (`None`: agents, no deadline).
    Allowed(Option<DateTime<Utc>>),
    Refused(DayRefusal),
}

/// A unit with what the planning computes from it.
#[derive(Debug, Clone)]
pub struct UnitPlan {
    pub unit: Unit,
    pub weekdays: Vec<u32>,
    pub starts_at: NaiveTime,
    brackets: Vec<PriceBracket>,
}

impl UnitPlan {
    pub fn new(unit: Unit) -> Self {
        Self {
            weekdays: unit.weekdays.clone(),
            starts_at: parse_time(&unit.starts_at),
            brackets: unit.prices.clone(),
            unit,
        }
    }
}

/// What a planning reads that is the city's rather than the family's: its calendar and
/// its activities, read anew by changes and taken from a short-lived copy by reads.
#[derive(Debug, Clone)]
pub struct CityData {
    pub calendar: Arc<CityCalendar>,
    pub catalog: Arc<ActivityCatalog>,
    /// The children of two households and their custody schedules.
    pub custody: Arc<CustodyIndex>,
}

/// The instance's copies of what every planning read needs.
#[derive(Debug, Clone)]
pub struct CitySnapshots {
    pub calendar: Arc<Snapshot<CityCalendar>>,
    pub catalog: Arc<Snapshot<ActivityCatalog>>,
    pub custody: Arc<Snapshot<CustodyIndex>>,
}

impl CityData {
    /// All from the instance's copies (read anew when older than a couple of seconds).
    pub fn cached(conn: &mut AnyConnection, copies: &CitySnapshots) -> Result<Self, DbError> {
        Ok(Self {
            calendar: copies.calendar.get(conn, CityCalendar::read)?,
            catalog: copies.catalog.get(conn, ActivityCatalog::read)?,
            custody: copies.custody.get(conn, CustodyIndex::read)?,
        })
    }
}

/// An accepted registration with its activity, rules and units.
#[derive(Debug, Clone)]
pub struct RegistrationPlan {
    pub registration: RegistrationSlot,
    /// The catalogue's, shared.
    pub activity: Arc<ActivitySlot>,
    pub rules: Arc<EffectiveRules>,
    pub units: Arc<[UnitPlan]>,
    sibling: bool,
    closures: BTreeSet<NaiveDate>,
}

impl RegistrationPlan {
    fn prepaid(&self) -> bool {
        self.activity.mode == RegistrationMode::Prepaid
    }
}

/// Everything the decisions over a range need, loaded once.
#[derive(Debug)]
pub struct Context {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub registrations: Vec<RegistrationPlan>,
    bookings: HashMap<(i64, i64, NaiveDate), BookingStatus>,
    /// The dossier's pending changes, every range included.
    draft: HashMap<(i64, i64, NaiveDate), Action>,
    public_holidays: &'static BTreeSet<NaiveDate>,
    city: CityData,
    capacities: HashMap<(i64, NaiveDate), i32>,
    taken: HashMap<(i64, i64, NaiveDate), i32>,
    quotients: HashMap<i64, Vec<QuotientPeriod>>,
    /// The city's day from which families without a quotient pay the top bracket.
    top_bracket_from: Option<domain::dossiers::MonthDay>,
    /// The dossier the planning is read for.
    viewer: i64,
    /// The children in scope with two households.
    shared: Custodies,
    /// When a household in scope shares a child: (household, activity) → the children of
    /// the household with a live registration to it (siblings counted per household).
    siblings: Option<HashMap<(i64, i64), BTreeSet<i64>>>,
}

/// Checks a requested range: `from <= to`, at most [`MAX_RANGE_DAYS`].
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Outcome<()> {
    if to < from {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "to",
            "range_inverted",
            "La fin de la période précède son début.",
            "The range ends before it starts.",
        )]));
    }
    if (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(UseCaseError::Invalid(vec![FieldError::new(
            "to",
            "range_too_long",
            "Une période couvre au plus 366 jours.",
            "A range covers at most 366 days.",
        )]));
    }
    Ok(())
}

pub(crate) fn parse_time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
        .unwrap_or(NaiveTime::MIN)
}

/// The public holidays of every year the calendar supports, computed once (a few
/// thousand dates) rather than at every planning read.
pub(crate) fn all_public_holidays() -> &'static BTreeSet<NaiveDate> {
    static HOLIDAYS: LazyLock<BTreeSet<NaiveDate>> = LazyLock::new(|| {
        SUPPORTED_YEARS
            .filter_map(|year| public_holidays(year, HolidayRegion::Metropole).ok())
            .flatten()
            .map(|h| h.date)
            .collect()
    });
    &HOLIDAYS
}

/// Loads what the planning of one child (`Some`) or of the whole dossier over
/// `from..=to` needs, the city's calendar and activities read from the database: a
/// fixed handful of queries, each a prepared statement both backends keep, whatever
/// the range or the number of children.
pub fn load(
    conn: &mut AnyConnection,
    dossier_id: i64,
    child_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Outcome<Context> {
    let city = CityData {
        calendar: Arc::new(CityCalendar::read_between(conn, from, to)?),
        catalog: Arc::new(ActivityCatalog::of_dossier(conn, dossier_id)?),
        custody: Arc::new(CustodyIndex::read(conn)?),
    };
    load_with(
        conn,
        city,
        Scope {
            dossier_id,
            child_id,
        },
        from,
        to,
    )
}

/// [`load`] with the city's calendar and activities already at hand.
pub fn load_with(
    conn: &mut AnyConnection,
    city: CityData,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Outcome<Context> {
    let dossier_id = scope.dossier_id;
    let closures: Vec<_> = city
        .calendar
        .closures
        .iter()
        .filter(|c| (from..=to).contains(&c.day))
        .collect();
    let mut registrations: Vec<RegistrationPlan> = Vec::new();
    for (registration, sibling) in store::accepted_registrations(conn, scope)? {
        let Some(entry) = city.catalog.activity(registration.activity_id) else {
            continue;
        };
        if entry.activity.starts_on > to || entry.activity.ends_on < from {
            continue;
        }
        registrations.push(RegistrationPlan {
            rules: entry.rules.clone(),
            units: entry.units.clone(),
            sibling,
            closures: closures
                .iter()
                .filter(|c| c.activity_id.is_none_or(|a| a == entry.activity.id))
                .map(|c| c.day)
                .collect(),
            activity: entry.activity.clone(),
            registration,
        });
    }
    let mut bookings = HashMap::new();
    let mut draft = HashMap::new();
    for mark in store::bookings_and_draft(conn, scope, from, to)? {
        let key = (mark.child_id, mark.unit_id, mark.day);
        if mark.pending {
            draft.insert(key, mark.value.parse().map_err(DbError::Stored)?);
        } else {
            let status = mark.value.parse().map_err(DbError::Stored)?;
            bookings.insert(key, status);
        }
    }
    let mut capacities = HashMap::new();
    let mut taken = HashMap::new();
    for places in store::places_between(conn, dossier_id, from, to)? {
        match places.unit_id {
            None => capacities.insert((places.group_id, places.day), places.count),
            Some(unit) => taken.insert((places.group_id, unit, places.day), places.count),
        };
    }
    let (shared, shares) = city.custody.scope(scope.dossier_id, scope.child_id);
    let mut households: BTreeSet<i64> = BTreeSet::from([dossier_id]);
    households.extend(shared.children().flat_map(|s| [s.first, s.second]));
    let mut quotients = HashMap::new();
    for household in &households {
        let periods = quotients::of_dossier(conn, *household)?
            .into_iter()
            .map(|q| QuotientPeriod {
                id: q.id,
                quotient: q.quotient,
                valid_from: q.valid_from,
                valid_until: q.valid_until,
            })
            .collect();
        quotients.insert(*household, periods);
    }
    // A household sharing a child counts siblings among its own children, the shared
    // one included, for every child it reads (not the registrations' dossier ids).
    let siblings = if shares {
        let ids: Vec<i64> = households.iter().copied().collect();
        let mut siblings: HashMap<(i64, i64), BTreeSet<i64>> = HashMap::new();
        for (household, child, activity) in households::live_registrations_of(conn, &ids)? {
            siblings
                .entry((household, activity))
                .or_default()
                .insert(child);
        }
        Some(siblings)
    } else {
        None
    };
    Ok(Context {
        from,
        to,
        registrations,
        bookings,
        draft,
        public_holidays: all_public_holidays(),
        city,
        capacities,
        taken,
        quotients,
        top_bracket_from: crate::usecases::dossiers::top_bracket_from(conn)?,
        viewer: dossier_id,
        shared,
        siblings,
    })
}

/// One unit of one day of a child's planning.
#[derive(Debug, Clone)]
pub struct DayEntry {
    pub day: NaiveDate,
    pub unit_id: i64,
    /// The unit's start, as an instant.
    pub starts_at: DateTime<Utc>,
    /// Why the unit does not run that day, if it does not.
    pub closed: Option<ClosedReason>,
    /// Booked, or closed (the city closed the day: not billed).
    pub booking: Option<BookingStatus>,
    pub pending: Option<Action>,
    pub price_cents: Option<i64>,
    /// Whether the day can change now (booked: be cancelled; else: be booked).
    pub change: Verdict,
    /// The day is in the custody of the child's other household (an agent's view: of
    /// its second household); a family sees no booking, draft or price of it.
    pub other_household: bool,
}

impl DayEntry {
    pub fn booked(&self) -> bool {
        self.booking == Some(BookingStatus::Booked)
    }

    /// Booked once the draft is validated (as the family sees it while ticking).
    pub fn booked_with_draft(&self) -> bool {
        match self.pending {
            Some(Action::Book) => self.closed.is_none(),
            Some(Action::Cancel) => false,
            None => self.booked(),
        }
    }
}

impl Context {
    fn calendar(&self) -> Calendar<'_> {
        Calendar {
            public_holidays: self.public_holidays,
            school_holidays: &self.city.calendar.school_holidays,
        }
    }

    /// The registration of the child holding `unit_id` whose activity covers `day`.
    pub fn find(
        &self,
        child_id: i64,
        unit_id: i64,
        day: NaiveDate,
    ) -> Option<(&RegistrationPlan, &UnitPlan)> {
        self.registrations
            .iter()
            .filter(|r| r.registration.child_id == child_id)
            .filter(|r| r.activity.starts_on <= day && day <= r.activity.ends_on)
            .find_map(|r| {
                r.units
                    .iter()
                    .find(|u| u.unit.id == unit_id)
                    .map(|u| (r, u))
            })
    }

    /// The whole draft's pending changes, counted as the guide shows them.
    pub fn draft_counts(&self) -> DraftCounts {
        let bookings = self.draft.values().filter(|a| **a == Action::Book).count();
        DraftCounts {
            bookings,
            cancellations: self.draft.len() - bookings,
        }
    }

    pub fn is_booked(&self, child_id: i64, unit_id: i64, day: NaiveDate) -> Option<BookingStatus> {
        self.bookings.get(&(child_id, unit_id, day)).copied()
    }

    /// Whether the unit runs that day for the registration's child.
    pub fn closed_reason(
        &self,
        plan: &RegistrationPlan,
        unit: &UnitPlan,
        day: NaiveDate,
    ) -> Option<ClosedReason> {
        let setting = DaySetting {
            weekdays: &unit.weekdays,
            runs_on: plan.rules.runs_on,
            activity_from: plan.activity.starts_on,
            activity_to: plan.activity.ends_on,
            entry_date: plan.registration.entry_date,
            closure_days: &plan.closures,
        };
        day_state(day, &setting, &self.calendar()).err()
    }

    /// The household (dossier) that has the child on `day`: its custody schedule's for
    /// a child with two households, else the dossier the child is filed in.
    pub fn household_on(&self, child_id: i64, filed_in: i64, day: NaiveDate) -> i64 {
        self.shared
            .household_on(child_id, filed_in, day, &self.city.calendar.school_holidays)
    }

    /// Whether `day` is in the custody of a household other than the one reading.
    pub fn in_other_household(&self, child_id: i64, day: NaiveDate) -> bool {
        self.shared.is_shared(child_id)
            && self.household_on(child_id, self.viewer, day) != self.viewer
    }

    pub fn capacity(&self, group_id: i64, day: NaiveDate) -> i32 {
        self.capacities
            .get(&(group_id, day))
            .copied()
            .unwrap_or_else(|| self.city.catalog.capacity(group_id))
    }

    /// Whether `action` on the unit of the day is allowed at `now`; agents skip the
    /// deadlines, never the calendar nor the capacity.
    pub fn verdict(
        &self,
        plan: &RegistrationPlan,
        unit: &UnitPlan,
        day: NaiveDate,
        action: Action,
        now: DateTime<Utc>,
        agent: bool,
    ) -> Verdict {
        if plan.prepaid() {
            return Verdict::Refused(DayRefusal::PrepaidActivity);
        }
        if let Some(reason) = self.closed_reason(plan, unit, day) {
            return Verdict::Refused(DayRefusal::DayClosed(reason));
        }
        if !agent && self.in_other_household(plan.registration.child_id, day) {
            return Verdict::Refused(DayRefusal::NotInCustody);
        }
        let booking = self.is_booked(plan.registration.child_id, unit.unit.id, day);
        if booking == Some(BookingStatus::Closed) {
            return Verdict::Refused(DayRefusal::BookingClosed);
        }
        if action == Action::Book && booking.is_none() {
            let key = (plan.registration.group_id, unit.unit.id, day);
            let taken = self.taken.get(&key).copied().unwrap_or(0);
            if taken >= self.capacity(plan.registration.group_id, day) {
                return Verdict::Refused(DayRefusal::DayFull);
            }
        }
        if agent {
            return Verdict::Allowed(None);
        }
        let rule = match action {
            Action::Book => &plan.rules.booking,
            Action::Cancel => &plan.rules.change,
        };
        let start = NaiveDateTime::new(day, unit.starts_at);
        match planning::decide(rule, start, now, &self.calendar()) {
            ChangeDecision::Allowed { closes_at } => Verdict::Allowed(Some(closes_at)),
            ChangeDecision::DeadlinePassed { deadline } => {
                Verdict::Refused(DayRefusal::DeadlinePassed(deadline))
            }
            ChangeDecision::NotYetOpen { opens_at } => {
                Verdict::Refused(DayRefusal::WindowNotOpen(opens_at))
            }
            ChangeDecision::NoWindow => Verdict::Refused(DayRefusal::NoWindow),
        }
    }

    /// What the dossier's prices rest on that day.
    pub fn price_basis(&self, dossier_id: i64, day: NaiveDate) -> domain::dossiers::PriceBasis {
        let periods = self
            .quotients
            .get(&dossier_id)
            .map_or(&[][..], Vec::as_slice);
        domain::dossiers::price_basis(periods, day, self.top_bracket_from)
    }

    /// The price of the unit that day for the household that has the child (what its
    /// prices rest on that day, the sibling rate when a brother or sister of that
    /// household is registered too).
    pub fn price(&self, plan: &RegistrationPlan, unit: &UnitPlan, day: NaiveDate) -> Option<i64> {
        let child_id = plan.registration.child_id;
        let household = self.household_on(child_id, plan.registration.dossier_id, day);
        let quotient = self.price_basis(household, day).quotient();
        let sibling = match &self.siblings {
            Some(siblings) => siblings
                .get(&(household, plan.activity.id))
                .is_some_and(|children| children.iter().any(|c| *c != child_id)),
            None => plan.sibling,
        };
        unit_price(
            &unit.brackets,
            quotient,
            plan.activity.sibling_rate_percent.map(i64::from),
            sibling,
        )
    }

    /// The entries of one registration over the range, by day then unit.
    pub fn entries(
        &self,
        plan: &RegistrationPlan,
        now: DateTime<Utc>,
        agent: bool,
    ) -> Vec<DayEntry> {
        let first = self.from.max(plan.activity.starts_on);
        let last = self.to.min(plan.activity.ends_on);
        let child_id = plan.registration.child_id;
        let mut entries = Vec::new();
        for day in first.iter_days().take_while(|d| *d <= last) {
            let weekday = day.weekday().number_from_monday();
            let other_household = self.in_other_household(child_id, day);
            // A family sees nothing of the other household's days but the calendar.
            let hidden = other_household && !agent;
            for unit in plan.units.iter().filter(|u| u.weekdays.contains(&weekday)) {
                let booking = self
                    .is_booked(child_id, unit.unit.id, day)
                    .filter(|_| !hidden);
                let action = if booking.is_some() {
                    Action::Cancel
                } else {
                    Action::Book
                };
                let pending = self.draft.get(&(child_id, unit.unit.id, day)).copied();
                entries.push(DayEntry {
                    day,
                    unit_id: unit.unit.id,
                    starts_at: planning::paris_instant(NaiveDateTime::new(day, unit.starts_at)),
                    closed: self.closed_reason(plan, unit, day),
                    booking,
                    pending: pending.filter(|_| !hidden),
                    price_cents: self.price(plan, unit, day).filter(|_| !hidden),
                    change: self.verdict(plan, unit, day, action, now, agent),
                    other_household,
                });
            }
        }
        entries
    }
}

/// One activity's part of a child's planning.
#[derive(Debug, Clone)]
pub struct ActivityPlanning {
    pub plan: RegistrationPlan,
    pub entries: Vec<DayEntry>,
}

impl ActivityPlanning {
    /// Booked units and their cost, per unit ("2 Repas : 5.70 EUR").
    pub fn summary(&self, with_draft: bool) -> Vec<(i64, i64, i64)> {
        self.plan
            .units
            .iter()
            .map(|u| {
                let booked = self
                    .entries
                    .iter()
                    .filter(|e| e.unit_id == u.unit.id)
                    .filter(|e| {
                        if with_draft {
                            e.booked_with_draft()
                        } else {
                            e.booked()
                        }
                    });
                let (count, cents) =
                    booked.fold((0, 0), |(n, c), e| (n + 1, c + e.price_cents.unwrap_or(0)));
                (u.unit.id, count, cents)
            })
            .collect()
    }

    pub fn cost_cents(&self, with_draft: bool) -> i64 {
        self.summary(with_draft).iter().map(|s| s.2).sum()
    }
}

#[derive(Debug)]
pub struct ChildPlanning {
    pub child: Child,
    pub activities: Vec<ActivityPlanning>,
}

impl ChildPlanning {
    pub fn cost_cents(&self, with_draft: bool) -> i64 {
        self.activities
            .iter()
            .map(|a| a.cost_cents(with_draft))
            .sum()
    }
}

/// Pending changes of a draft, counted as the guide shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DraftCounts {
    pub bookings: usize,
    pub cancellations: usize,
}

#[derive(Debug)]
pub struct Planning {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub children: Vec<ChildPlanning>,
    pub draft: DraftCounts,
    /// What the family's prices rest on, on the range's first day.
    pub price_basis: domain::dossiers::PriceBasis,
}

/// Who asks for a planning.
#[derive(Debug, Clone, Copy)]
pub enum Viewer {
    /// A family: its dossier's children, under the deadlines.
    Family { dossier_id: i64 },
    /// An agent: any child, no deadlines.
    Agent,
}

/// The planning of one child (`Some`) or of all the dossier's children, with the city's
/// calendar and activities as the caller has them (a planning read takes them from the
/// instance's copies).
pub fn view(
    conn: &mut AnyConnection,
    city: CityData,
    viewer: Viewer,
    child_id: Option<i64>,
    range: (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
) -> Outcome<Planning> {
    let (from, to) = range;
    check_range(from, to)?;
    let (dossier_id, kids) = children_of(conn, viewer, child_id)?;
    let ctx = load_with(
        conn,
        city,
        Scope {
            dossier_id,
            child_id,
        },
        from,
        to,
    )?;
    let agent = matches!(viewer, Viewer::Agent);
    let children = kids
        .into_iter()
        .map(|child| ChildPlanning {
            activities: ctx
                .registrations
                .iter()
                .filter(|r| r.registration.child_id == child.id)
                .map(|plan| ActivityPlanning {
                    entries: ctx.entries(plan, now, agent),
                    plan: plan.clone(),
                })
                .collect(),
            child,
        })
        .collect();
    Ok(Planning {
        from,
        to,
        children,
        draft: ctx.draft_counts(),
        price_basis: ctx.price_basis(dossier_id, from),
    })
}

/// The dossier and children a viewer asks about; another family's child is not found.
pub fn children_of(
    conn: &mut AnyConnection,
    viewer: Viewer,
    child_id: Option<i64>,
) -> Outcome<(i64, Vec<Child>)> {
    match (viewer, child_id) {
        (Viewer::Family { dossier_id }, Some(id)) => {
            let child =
                children::find(conn, id, Some(dossier_id))?.ok_or(CommonRefusal::NotFound)?;
            Ok((dossier_id, vec![child]))
        }
        (Viewer::Family { dossier_id }, None) => {
            Ok((dossier_id, children::of_dossier(conn, dossier_id)?))
        }
        (Viewer::Agent, Some(id)) => {
            let child = children::find(conn, id, None)?.ok_or(CommonRefusal::NotFound)?;
            Ok((child.dossier_id, vec![child]))
        }
        (Viewer::Agent, None) => Err(CommonRefusal::NotFound.into()),
    }
}
