//! The five steps of the sign-up wizard (guide, chapter I).

/// The steps, in the guide's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SignupStep {
    PersonalDetails,
    DossierReferences,
    TermsOfUse,
    PrivacyPolicy,
    Recap,
}

impl SignupStep {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PersonalDetails => "personal_details",
            Self::DossierReferences => "dossier_references",
            Self::TermsOfUse => "terms_of_use",
            Self::PrivacyPolicy => "privacy_policy",
            Self::Recap => "recap",
        }
    }
}

/// What a draft holds so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignupProgress {
    pub personal_details: bool,
    pub dossier_references: bool,
    pub terms_accepted: bool,
    pub privacy_accepted: bool,
}

impl SignupProgress {
    /// The first step not done yet; `Recap` when everything is there.
    pub fn next_step(self) -> SignupStep {
        if !self.personal_details {
            SignupStep::PersonalDetails
        } else if !self.dossier_references {
            SignupStep::DossierReferences
        } else if !self.terms_accepted {
            SignupStep::TermsOfUse
        } else if !self.privacy_accepted {
            SignupStep::PrivacyPolicy
        } else {
            SignupStep::Recap
        }
    }

    /// A step may be filled once the steps before it are: the wizard's order.
    /// Going back to an earlier step is always allowed.
    pub fn may_fill(self, step: SignupStep) -> bool {
        step <= self.next_step()
    }

    pub fn is_complete(self) -> bool {
        self.next_step() == SignupStep::Recap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_come_in_the_guides_order() {
        let mut progress = SignupProgress {
            personal_details: false,
            dossier_references: false,
            terms_accepted: false,
            privacy_accepted: false,
        };
        assert_eq!(progress.next_step(), SignupStep::PersonalDetails);
        assert!(!progress.may_fill(SignupStep::DossierReferences));
        progress.personal_details = true;
        assert!(progress.may_fill(SignupStep::DossierReferences));
        assert!(!progress.may_fill(SignupStep::TermsOfUse));
        progress.dossier_references = true;
        progress.terms_accepted = true;
        progress.privacy_accepted = true;
        assert!(progress.is_complete());
        assert!(progress.may_fill(SignupStep::PersonalDetails));
    }
}
