//! The one authorization module. Every read and write in the API asks this
//! module, and nothing else decides who may see or do what.
//!
//! Rules, in order:
//! 1. **Visibility first.** An object the caller may not see answers 404
//!    (`ApiError::not_found`) — never 403, which would confirm it exists.
//! 2. **Then permission.** A forbidden action on a visible object answers
//!    403.
//! 3. A caller acts in an org through a **membership** (role admin, member
//!    or read-only) or through **delegation**: a member of a manager org
//!    acts for each org it manages with the same role (a managed-service
//!    provider looking after rural hospitals).
//! 4. A token may be bound to one org (it then acts only there and in the
//!    orgs that org manages) and carries scopes: `read`, `write`. A
//!    read-only role or a read-only token may not write.
//! 5. Labelled content (TLP 2.0 and embargo) is decided by [`can_read`].
//!    Platform administrators administer identity; they do **not** get
//!    to read AMBER/RED content by virtue of being administrators.

use std::collections::{BTreeMap, BTreeSet};

use levee_model::{Capability, OrgRole, Timestamp, Tlp};
use levee_store::identity::{Org, TokenInfo, User};

use crate::error::ApiError;

pub const SCOPE_READ: &str = "read";
pub const SCOPE_WRITE: &str = "write";

/// Everything the decision needs about the caller, loaded once per request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    /// `None` for a web session.
    pub token: Option<TokenInfo>,
    /// Effective role per org id (direct membership or delegation),
    /// already narrowed to the token's org if the token is bound to one.
    pub roles: BTreeMap<String, Role>,
    /// Capabilities of every org the caller acts in.
    pub capabilities: BTreeSet<Capability>,
    pub scopes: BTreeSet<String>,
    /// The CSRF secret of a cookie session.
    pub csrf: Option<String>,
}

/// A role and how it was obtained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub role: OrgRole,
    /// `Some(manager org)` when held through delegation.
    pub via: Option<String>,
}

impl Caller {
    /// Build the caller's effective roles from its memberships, the
    /// delegations (manager, managed), the orgs' capabilities, and the
    /// token's binding.
    pub fn build(
        user: User,
        token: Option<TokenInfo>,
        memberships: &[(String, OrgRole)],
        delegations: &[(String, String)],
        org_caps: &BTreeMap<String, Vec<Capability>>,
        csrf: Option<String>,
    ) -> Caller {
        let bound = token.as_ref().and_then(|t| t.org_id.clone());
        let mut roles = BTreeMap::new();
        for (org, role) in memberships {
            if bound.as_ref().is_some_and(|b| b != org) {
                continue;
            }
            roles.insert(
                org.clone(),
                Role {
                    role: *role,
                    via: None,
                },
            );
            for (manager, managed) in delegations {
                if manager == org {
                    roles.entry(managed.clone()).or_insert(Role {
                        role: *role,
                        via: Some(org.clone()),
                    });
                }
            }
        }
        let capabilities = roles
            .iter()
            .filter(|(_, r)| r.via.is_none())
            .flat_map(|(o, _)| org_caps.get(o).into_iter().flatten().copied())
            .collect();
        let scopes = match &token {
            Some(t) => t.scopes.iter().cloned().collect(),
            None => [SCOPE_READ, SCOPE_WRITE]
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
        };
        Caller {
            user,
            token,
            roles,
            capabilities,
            scopes,
            csrf,
        }
    }

    pub fn id(&self) -> &str {
        &self.user.id
    }
    pub fn is_platform_admin(&self) -> bool {
        self.user.platform_admin && self.token.as_ref().is_none_or(|t| t.org_id.is_none())
    }
    pub fn role_in(&self, org: &str) -> Option<OrgRole> {
        self.roles.get(org).map(|r| r.role)
    }
    pub fn direct_member_of(&self, org: &str) -> bool {
        self.roles.get(org).is_some_and(|r| r.via.is_none())
    }
    pub fn has_capability(&self, c: Capability) -> bool {
        self.capabilities.contains(&c)
    }
    pub fn can_write_scope(&self) -> bool {
        self.scopes.contains(SCOPE_WRITE)
    }
    /// Orgs the caller acts in (directly or by delegation).
    pub fn org_ids(&self) -> Vec<String> {
        self.roles.keys().cloned().collect()
    }
    /// The idempotency scope of this caller: the user (and the org its
    /// token is bound to). Never the org alone: a replay returns the stored
    /// response, which may hold a secret (a new token's) meant only for the
    /// user who made the request.
    pub fn idempotency_scope(&self) -> String {
        match self.token.as_ref().and_then(|t| t.org_id.as_ref()) {
            Some(o) => format!("org:{o}/user:{}", self.user.id),
            None => format!("user:{}", self.user.id),
        }
    }
    /// Coordinators and government see the directory of all orgs.
    fn sees_directory(&self) -> bool {
        self.is_platform_admin()
            || self.has_capability(Capability::Coordinator)
            || self.has_capability(Capability::Government)
    }
}

/// What the caller wants to do.
#[derive(Debug)]
pub enum Action<'a> {
    ReadMe,
    ListOrgs,
    CreateOrg,
    ReadOrg(&'a Org),
    UpdateOrg(&'a Org),
    ListMembers(&'a Org),
    ManageMembers(&'a Org),
    /// The managed org's admins grant a delegation to a manager org.
    ManageDelegation {
        manager: &'a Org,
        managed: &'a Org,
    },
    ListTokens(&'a Org),
    CreateToken(&'a Org),
    RevokeToken(&'a Org, &'a TokenInfo),
    ReadAudit,
    Admin,
    // ===== frontier-model framework (issue 9) — see `frontier_authorize` =====
    Frontier(Frontier<'a>),
}

fn deny_write_scope(c: &Caller) -> Result<(), ApiError> {
    if c.can_write_scope() {
        Ok(())
    } else {
        Err(ApiError::forbidden("this token has no write scope"))
    }
}

fn org_visible(c: &Caller, org: &Org) -> bool {
    c.roles.contains_key(&org.id) || c.sees_directory()
}

fn is_admin_of(c: &Caller, org: &Org) -> bool {
    c.is_platform_admin() || c.role_in(&org.id) == Some(OrgRole::Admin)
}

fn can_write_in(c: &Caller, org: &Org) -> bool {
    c.is_platform_admin() || c.role_in(&org.id).is_some_and(OrgRole::can_write)
}

/// The decision. `Ok(())` allows; otherwise the error to return (404 for
/// what the caller may not see, 403 for what it may see but not do).
pub fn authorize(c: &Caller, action: Action<'_>) -> Result<(), ApiError> {
    use Action::*;
    match action {
        ReadMe | ListOrgs => Ok(()),
        ReadAudit => Ok(()), // filtered per entry by `audit_visibility`
        CreateOrg => {
            deny_write_scope(c)?;
            let coordinator_admin = c
                .roles
                .iter()
                .any(|(_, r)| r.via.is_none() && r.role == OrgRole::Admin)
                && c.has_capability(Capability::Coordinator);
            if c.is_platform_admin() || coordinator_admin {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "only platform administrators and coordinator admins create organizations",
                ))
            }
        }
        ReadOrg(o) | ListMembers(o) => visible(c, o),
        UpdateOrg(o) | ManageMembers(o) => {
            visible(c, o)?;
            deny_write_scope(c)?;
            if is_admin_of(c, o) {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "requires the admin role in this organization",
                ))
            }
        }
        ManageDelegation { manager, managed } => {
            let _ = manager;
            visible(c, managed)?;
            deny_write_scope(c)?;
            // Only the managed org itself (directly, not through another
            // delegation) or a platform admin can hand over its management.
            if c.is_platform_admin()
                || (c.direct_member_of(&managed.id)
                    && c.role_in(&managed.id) == Some(OrgRole::Admin))
            {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "only the managed organization's admins grant or withdraw delegation",
                ))
            }
        }
        ListTokens(o) => visible(c, o),
        CreateToken(o) => {
            visible(c, o)?;
            deny_write_scope(c)?;
            if c.roles.contains_key(&o.id) || c.is_platform_admin() {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "only members create tokens for an organization",
                ))
            }
        }
        RevokeToken(o, t) => {
            visible(c, o)?;
            if t.org_id.as_deref() != Some(o.id.as_str()) {
                return Err(ApiError::not_found());
            }
            if t.user_id != c.user.id && !is_admin_of(c, o) && !c.roles.contains_key(&o.id) {
                return Err(ApiError::not_found());
            }
            deny_write_scope(c)?;
            if t.user_id == c.user.id || is_admin_of(c, o) {
                Ok(())
            } else {
                Err(ApiError::forbidden(
                    "only the token's owner or an org admin revokes it",
                ))
            }
        }
        Admin => {
            if c.is_platform_admin() {
                Ok(())
            } else {
                Err(ApiError::not_found())
            }
        }
        Frontier(f) => frontier_authorize(c, f),
    }
}

fn visible(c: &Caller, o: &Org) -> Result<(), ApiError> {
    if org_visible(c, o) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// Which tokens of `org` the caller may list: admins all, members their own.
pub fn token_visible(c: &Caller, org: &Org, t: &TokenInfo) -> bool {
    is_admin_of(c, org) || t.user_id == c.user.id
}

/// Whether a caller may write in an org at all (used by later modules).
pub fn may_write_in(c: &Caller, org: &Org) -> bool {
    c.can_write_scope() && can_write_in(c, org)
}

/// Audit entries a caller may see: all for platform admins; otherwise the
/// entries of orgs where it is an admin, and its own actions.
pub fn audit_visibility(c: &Caller) -> Option<Vec<String>> {
    if c.is_platform_admin() {
        None
    } else {
        Some(
            c.roles
                .iter()
                .filter(|(_, r)| r.role == OrgRole::Admin)
                .map(|(o, _)| o.clone())
                .collect(),
        )
    }
}

/// A piece of labelled content, as later modules (advisories, cases,
/// findings) describe it to [`can_read`].
#[derive(Clone, Debug)]
pub struct Labelled<'a> {
    pub tlp: Tlp,
    /// The org that owns the content (always in its audience).
    pub owner_org: Option<&'a str>,
    /// Orgs the content is shared with (AMBER, AMBER+STRICT).
    pub audience_orgs: &'a [String],
    /// Named individual users (TLP:RED).
    pub recipients: &'a [String],
    /// Until this time, only the owner and audience see it, whatever the TLP.
    pub embargo_until: Option<Timestamp>,
}

/// TLP 2.0 and embargo. `caller = None` is an anonymous reader.
pub fn can_read(caller: Option<&Caller>, l: &Labelled<'_>, now: Timestamp) -> bool {
    let in_orgs = |c: &Caller, strict: bool| {
        l.owner_org
            .into_iter()
            .chain(l.audience_orgs.iter().map(String::as_str))
            .any(|o| {
                if strict {
                    c.direct_member_of(o)
                } else {
                    c.roles.contains_key(o)
                }
            })
    };
    let embargoed = l.embargo_until.is_some_and(|t| now < t);
    match (l.tlp, caller) {
        (Tlp::Red, Some(c)) => l.recipients.contains(&c.user.id),
        (Tlp::Red, None) => false,
        (_, None) => l.tlp == Tlp::Clear && !embargoed,
        (Tlp::AmberStrict, Some(c)) => in_orgs(c, true),
        (Tlp::Amber, Some(c)) => in_orgs(c, false),
        (Tlp::Clear | Tlp::Green, Some(c)) => !embargoed || in_orgs(c, false),
    }
}

/// TLP:RED must name at least one recipient user.
pub fn validate_label(tlp: Tlp, recipients: &[String]) -> Result<(), ApiError> {
    if tlp == Tlp::Red && recipients.is_empty() {
        return Err(ApiError::validation(
            "TLP:RED requires named recipients (individual users)",
        ));
    }
    if tlp != Tlp::Red && !recipients.is_empty() {
        return Err(ApiError::validation(
            "named recipients are only used with TLP:RED",
        ));
    }
    Ok(())
}

// ======================================================================
// ===== frontier-model framework (issue 9) =============================
// ======================================================================
//
// Who may see a model: members of its developer org (directly or by
// delegation); orgs with the evaluator or government capability once the
// developer has opted in; and orgs that are party to it (grantees of an
// access grant, trusted partners). Platform administrators administer
// identity; they do not see the framework's records by virtue of that.
//
// Release fields are written by the developer alone. There is no action
// that approves, blocks or delays a release.

/// What authorization needs to know about a model.
#[derive(Debug, Clone, Copy)]
pub struct ModelFacts<'a> {
    pub owner_org: &'a str,
    /// Evaluators and government see a model once it was opted in.
    pub ever_opted_in: bool,
    /// Grantee orgs of its grants and its trusted partners.
    pub party_orgs: &'a [String],
}

/// How much of an assessment a caller reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentView {
    /// The assessing evaluator org and government: the commitment, every
    /// run with classified scores, the designation.
    Full,
    /// The developer: the designation and its date, unclassified scores;
    /// never the threshold (which the server does not hold) or a
    /// classified score.
    Developer,
}

#[derive(Debug)]
pub enum Frontier<'a> {
    CreateModel(&'a Org),
    ListModels,
    ReadModel(ModelFacts<'a>),
    /// Release fields, modality, opt-in and opt-out.
    WriteModel(ModelFacts<'a>),
    /// The developer's complete record.
    Export(&'a Org),
    CreateAssessment {
        model: ModelFacts<'a>,
        evaluator: &'a Org,
    },
    ReadAssessment {
        model: ModelFacts<'a>,
        assessor: &'a str,
    },
    /// Benchmark runs and the designation.
    WriteAssessment {
        model: ModelFacts<'a>,
        assessor: &'a str,
    },
    PublishTerms(&'a Org),
    /// `party`: the caller's org is named in a grant of the terms' owner.
    ReadTerms {
        owner: &'a Org,
        party: bool,
    },
    CreateGrant(ModelFacts<'a>),
    ReadGrant {
        model: ModelFacts<'a>,
        grantees: &'a [String],
    },
    RevokeGrant {
        model: ModelFacts<'a>,
        grantees: &'a [String],
    },
    /// Accept the terms of, or take the access token of, a grant for `org`.
    UseGrant {
        model: ModelFacts<'a>,
        grantees: &'a [String],
        org: &'a str,
    },
    Nominate(ModelFacts<'a>),
    ReadPartner {
        model: ModelFacts<'a>,
        partner_org: &'a str,
        trusted: bool,
    },
    DecidePartner {
        model: ModelFacts<'a>,
        partner_org: &'a str,
        trusted: bool,
        government: &'a Org,
    },
    WithdrawPartner {
        model: ModelFacts<'a>,
        partner_org: &'a str,
        trusted: bool,
    },
    ReadPolicy,
    SetPolicy,
    ReadRevocations,
}

fn in_org(c: &Caller, org: &str) -> bool {
    c.roles.contains_key(org)
}

fn writer_in(c: &Caller, org: &str) -> bool {
    c.can_write_scope() && c.role_in(org).is_some_and(OrgRole::can_write)
}

/// The developer org's members (directly or by delegation).
fn is_developer(c: &Caller, m: &ModelFacts<'_>) -> bool {
    in_org(c, m.owner_org)
}

fn oversight(c: &Caller) -> bool {
    c.has_capability(Capability::Evaluator) || c.has_capability(Capability::Government)
}

pub fn model_visible(c: &Caller, m: &ModelFacts<'_>) -> bool {
    is_developer(c, m)
        || (m.ever_opted_in && oversight(c))
        || m.party_orgs.iter().any(|o| in_org(c, o))
}

/// How much of an assessment `c` may read, if anything.
pub fn assessment_view(c: &Caller, m: &ModelFacts<'_>, assessor: &str) -> Option<AssessmentView> {
    if !model_visible(c, m) {
        return None;
    }
    if in_org(c, assessor) || c.has_capability(Capability::Government) {
        Some(AssessmentView::Full)
    } else if is_developer(c, m) {
        Some(AssessmentView::Developer)
    } else {
        None
    }
}

fn see(ok: bool) -> Result<(), ApiError> {
    if ok {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

fn allow(ok: bool, why: &str) -> Result<(), ApiError> {
    if ok {
        Ok(())
    } else {
        Err(ApiError::forbidden(why))
    }
}

fn frontier_authorize(c: &Caller, f: Frontier<'_>) -> Result<(), ApiError> {
    use Frontier::*;
    match f {
        ListModels | ReadPolicy | ReadRevocations => Ok(()),
        SetPolicy => {
            see(c.is_platform_admin())?;
            deny_write_scope(c)
        }
        CreateModel(org) | PublishTerms(org) => {
            see(in_org(c, &org.id))?;
            allow(
                org.capabilities.contains(Capability::ModelDeveloper),
                "only an organization with the model_developer capability does this",
            )?;
            deny_write_scope(c)?;
            allow(
                writer_in(c, &org.id),
                "requires a member or admin role in the developer organization",
            )
        }
        Export(org) => {
            see(in_org(c, &org.id))?;
            allow(
                org.capabilities.contains(Capability::ModelDeveloper),
                "only a model developer has a frontier record to export",
            )
        }
        ReadModel(m) => see(model_visible(c, &m)),
        WriteModel(m) | CreateGrant(m) | Nominate(m) => {
            see(model_visible(c, &m))?;
            deny_write_scope(c)?;
            allow(
                writer_in(c, m.owner_org),
                "only the model's developer does this; Levee records, it never decides a release",
            )
        }
        CreateAssessment { model, evaluator } => {
            see(model_visible(c, &model))?;
            deny_write_scope(c)?;
            allow(
                evaluator.capabilities.contains(Capability::Evaluator)
                    && writer_in(c, &evaluator.id)
                    && c.direct_member_of(&evaluator.id),
                "assessments are recorded by members of an evaluator organization",
            )
        }
        ReadAssessment { model, assessor } => see(assessment_view(c, &model, assessor).is_some()),
        WriteAssessment { model, assessor } => {
            see(assessment_view(c, &model, assessor).is_some())?;
            deny_write_scope(c)?;
            allow(
                writer_in(c, assessor) && c.direct_member_of(assessor),
                "only the assessing evaluator organization records runs and the designation",
            )
        }
        ReadTerms { owner, party } => see(in_org(c, &owner.id) || party || oversight(c)),
        ReadGrant { model, grantees } => {
            see(is_developer(c, &model) || grantees.iter().any(|g| in_org(c, g)))
        }
        RevokeGrant { model, grantees } => {
            see(is_developer(c, &model) || grantees.iter().any(|g| in_org(c, g)))?;
            deny_write_scope(c)?;
            allow(
                writer_in(c, model.owner_org),
                "only the model's developer revokes a grant",
            )
        }
        UseGrant {
            model,
            grantees,
            org,
        } => {
            see(is_developer(c, &model) || grantees.iter().any(|g| in_org(c, g)))?;
            deny_write_scope(c)?;
            allow(
                grantees.iter().any(|g| g == org) && writer_in(c, org),
                "only a member of a grantee organization accepts the terms or takes access",
            )
        }
        ReadPartner {
            model,
            partner_org,
            trusted,
        } => see(partner_visible(c, &model, partner_org, trusted)),
        DecidePartner {
            model,
            partner_org,
            trusted,
            government,
        } => {
            see(partner_visible(c, &model, partner_org, trusted))?;
            deny_write_scope(c)?;
            allow(
                government.capabilities.contains(Capability::Government)
                    && writer_in(c, &government.id)
                    && c.direct_member_of(&government.id),
                "only an organization with the government capability concurs or objects",
            )
        }
        WithdrawPartner {
            model,
            partner_org,
            trusted,
        } => {
            see(partner_visible(c, &model, partner_org, trusted))?;
            deny_write_scope(c)?;
            allow(
                writer_in(c, model.owner_org),
                "only the model's developer withdraws a nomination",
            )
        }
    }
}

/// A nomination is seen by the developer, by government (which decides on
/// it) and, once trusted, by the partner itself.
pub fn partner_visible(c: &Caller, m: &ModelFacts<'_>, partner_org: &str, trusted: bool) -> bool {
    is_developer(c, m)
        || (m.ever_opted_in && c.has_capability(Capability::Government))
        || (trusted && in_org(c, partner_org))
}

// ===== end of the frontier-model framework block =====================

// ===== knowledge base (issue 5) =======================================
// ======================================================================
//
// Every knowledge-base read (by id, query, batch, search, changed-since
// feed, dump) keeps exactly the records `can_read_kb` accepts; a record it
// refuses is absent (404 by id), never 403. Anonymous readers see CLEAR,
// unembargoed records only (the OSV-compatible endpoints are public).

/// The [`Labelled`] form of a knowledge-base record's label.
pub fn kb_labelled(l: &levee_store::kb::Label) -> Labelled<'_> {
    Labelled {
        tlp: l.tlp,
        owner_org: l.owner_org.as_deref(),
        audience_orgs: &l.audience,
        recipients: &l.recipients,
        embargo_until: l.embargo_until,
    }
}

/// May `caller` (`None`: anonymous) read a knowledge-base record?
pub fn can_read_kb(caller: Option<&Caller>, l: &levee_store::kb::Label, now: Timestamp) -> bool {
    can_read(caller, &kb_labelled(l), now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> User {
        User {
            id: id.into(),
            name: None,
            email: None,
            platform_admin: false,
            mfa_enabled: false,
            created_at: Timestamp::default(),
            erased: false,
        }
    }

    fn caller(id: &str, m: &[(&str, OrgRole)], d: &[(&str, &str)]) -> Caller {
        let m: Vec<_> = m.iter().map(|(o, r)| ((*o).to_string(), *r)).collect();
        let d: Vec<_> = d
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect();
        Caller::build(user(id), None, &m, &d, &BTreeMap::new(), None)
    }

    #[test]
    fn tlp_matrix() {
        let now = Timestamp::from_secs(1000);
        let audience = vec!["o2".to_string()];
        let recipients = vec!["u-red".to_string()];
        let owner = caller("u1", &[("o1", OrgRole::Member)], &[]);
        let aud = caller("u2", &[("o2", OrgRole::ReadOnly)], &[]);
        let msp = caller("u3", &[("msp", OrgRole::Admin)], &[("msp", "o2")]);
        let other = caller("u4", &[("o9", OrgRole::Admin)], &[]);
        let red = caller("u-red", &[("o9", OrgRole::Member)], &[]);
        let l = |tlp, emb: Option<i64>| Labelled {
            tlp,
            owner_org: Some("o1"),
            audience_orgs: &audience,
            recipients: if tlp == Tlp::Red { &recipients } else { &[] },
            embargo_until: emb.map(Timestamp::from_secs),
        };
        // (tlp, embargo, anon, owner, audience, msp-delegated, other, red-recipient)
        let table = [
            (Tlp::Clear, None, true, true, true, true, true, true),
            (Tlp::Green, None, false, true, true, true, true, true),
            (Tlp::Amber, None, false, true, true, true, false, false),
            (
                Tlp::AmberStrict,
                None,
                false,
                true,
                true,
                false,
                false,
                false,
            ),
            (Tlp::Red, None, false, false, false, false, false, true),
            (
                Tlp::Clear,
                Some(2000),
                false,
                true,
                true,
                true,
                false,
                false,
            ),
            (Tlp::Clear, Some(500), true, true, true, true, true, true),
        ];
        for (tlp, emb, a, o, au, m, x, r) in table {
            let lab = l(tlp, emb);
            let got = (
                can_read(None, &lab, now),
                can_read(Some(&owner), &lab, now),
                can_read(Some(&aud), &lab, now),
                can_read(Some(&msp), &lab, now),
                can_read(Some(&other), &lab, now),
                can_read(Some(&red), &lab, now),
            );
            assert_eq!(got, (a, o, au, m, x, r), "{tlp} embargo {emb:?}");
        }
    }

    #[test]
    fn red_needs_recipients() {
        assert!(validate_label(Tlp::Red, &[]).is_err());
        assert!(validate_label(Tlp::Red, &["u".into()]).is_ok());
        assert!(validate_label(Tlp::Amber, &["u".into()]).is_err());
    }

    #[test]
    fn delegation_gives_the_managers_role() {
        let c = caller(
            "u",
            &[("msp", OrgRole::ReadOnly)],
            &[("msp", "hospital"), ("other", "x")],
        );
        assert_eq!(c.role_in("hospital"), Some(OrgRole::ReadOnly));
        assert!(!c.direct_member_of("hospital"));
        assert_eq!(c.role_in("x"), None);
    }
}
