//! Who may disable or re-enable whose account.

use super::{AccountStatus, Role};

/// An account as the back office acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Party {
    pub id: i64,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdministrationRefusal {
    #[error("an account cannot disable itself")]
    Yourself,
    #[error("only an admin may change a staff account")]
    StaffNeedAnAdmin,
}

/// Agents act on family accounts; staff accounts need an admin; nobody disables
/// their own account (the city would lose its last admin that way).
pub fn may_disable(actor: Party, target: Party) -> Result<(), AdministrationRefusal> {
    if actor.id == target.id {
        return Err(AdministrationRefusal::Yourself);
    }
    may_enable(actor, target)
}

pub fn may_enable(actor: Party, target: Party) -> Result<(), AdministrationRefusal> {
    if target.role.is_staff() && actor.role != Role::Admin {
        return Err(AdministrationRefusal::StaffNeedAnAdmin);
    }
    Ok(())
}

/// The status a disabled account returns to: active if it ever was, else pending.
pub fn status_when_enabled(ever_activated: bool) -> AccountStatus {
    if ever_activated {
        AccountStatus::Active
    } else {
        AccountStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN: Party = Party {
        id: 1,
        role: Role::Admin,
    };
    const AGENT: Party = Party {
        id: 2,
        role: Role::Agent,
    };
    const FAMILY: Party = Party {
        id: 3,
        role: Role::Family,
    };

    #[test]
    fn agents_act_on_families_only_and_nobody_on_themselves() {
        assert_eq!(may_disable(AGENT, FAMILY), Ok(()));
        assert_eq!(
            may_disable(AGENT, ADMIN),
            Err(AdministrationRefusal::StaffNeedAnAdmin)
        );
        assert_eq!(may_disable(ADMIN, AGENT), Ok(()));
        assert_eq!(
            may_disable(ADMIN, ADMIN),
            Err(AdministrationRefusal::Yourself)
        );
        assert_eq!(
            may_enable(
                AGENT,
                Party {
                    id: 9,
                    role: Role::Agent
                }
            ),
            Err(AdministrationRefusal::StaffNeedAnAdmin)
        );
        assert_eq!(status_when_enabled(false), AccountStatus::Pending);
    }
}
