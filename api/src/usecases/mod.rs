//! One function per use case: a transaction that loads what the decision needs, asks
//! `domain`, and writes the result. No actix or DTO types, so jobs and tests can call
//! them too.

pub mod city;
pub mod demo;
