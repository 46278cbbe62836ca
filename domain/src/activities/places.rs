//! Places in a group: what is left once the taken ones are counted.

/// The places left of `capacity` once `taken` are counted; never below zero (an agent
/// may lower a capacity under what is already taken).
pub fn places_left(capacity: i32, taken: i32) -> i32 {
    (capacity - taken).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_left_count_down_to_zero_and_stay_there() {
        assert_eq!(places_left(24, 0), 24);
        assert_eq!(places_left(24, 23), 1);
        assert_eq!(places_left(24, 24), 0);
        assert_eq!(places_left(20, 24), 0);
    }
}
