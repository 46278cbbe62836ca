//! What families and agents do, step by step, in the guide's words: the set-ups test
//! files share ("Eliot is registered to the canteen", "September is billed"). A step
//! that sets something up asserts it succeeded, so a test reads as the story it tells;
//! a request a test judges itself (`baskets::add`, `dossiers::upload`) returns the
//! response. One test file never borrows another's steps: they live here.

pub mod accounts;
pub mod activities;
pub mod baskets;
pub mod billing;
pub mod dossiers;
pub mod planning;
