// How the reasoning engine treats each condition key, in one place, with the reason for each.
//
// The question for every key: can a principal outside the zone of trust choose its value?
// - kPrincipal: the value follows from who the caller is (aws:PrincipalArn, aws:PrincipalAccount,
//   aws:PrincipalOrgID, ...). The engine derives it from each candidate principal; a condition on
//   it decides whether the principal is external, and appears in findings.
// - kRestricting: set by AWS from facts the caller cannot change (the network path, the calling
//   service, the identity provider's signed claims). The engine keeps the policy's constraint on it
//   and reports it in the finding's `condition`.
// - kCallerControlled: the caller chooses it (request parameters, headers, tags it attaches, MFA
// use,
//   the time of the request). The engine lets the caller pick the value most favourable to access
//   (existential), so such a condition never hides access; it is not reported.
// - kResourceOwner: describes the resource, not the caller (aws:ResourceAccount,
// s3:ResourceAccount,
//   aws:ResourceOrgID, aws:ResourceOrgPaths). The engine fixes it to the resource's own value where
//   known (free otherwise); never reported: it holds for every caller or for none.
// Unknown keys are kCallerControlled: assuming the caller can satisfy them can only add findings,
// never hide one (soundness first).
//
// Sources: IAM User Guide, "AWS global condition context keys" (which keys AWS sets, and when);
// IAM Access Analyzer User Guide, "Findings for external access" and "Access Analyzer filter keys";
// Amazon S3 User Guide, "The meaning of 'public'" (keys whose fixed values make a grant
// non-public).
#ifndef PERIMETER_REASONING_CONDITION_KEYS_H_
#define PERIMETER_REASONING_CONDITION_KEYS_H_

#include <optional>
#include <string>
#include <string_view>

#include "perimeter/reasoning/zone_of_trust.h"

namespace perimeter::reasoning {

enum class KeyRole { kPrincipal, kRestricting, kCallerControlled, kResourceOwner };

struct ConditionKeyRule {
  KeyRole role;
  // For kRestricting and kPrincipal keys: true when a condition fixing the key to specific values
  // makes a grant to "*" non-public (S3's "The meaning of 'public'").
  bool limits_public;
  std::string_view reason;
};

// The rule for `key_lower` (a lower-cased condition key, possibly with a tag suffix such as
// "aws:principaltag/team").
ConditionKeyRule RuleForKey(std::string_view key_lower);

// The key as AWS documents its spelling ("aws:SourceVpce" for "AWS:sourcevpce"), for the keys of
// the table above; otherwise `key` unchanged. Condition keys are case-insensitive, findings show
// one form.
std::string CanonicalKeyName(std::string_view key);

// Keys whose values AWS puts in the request from the caller's identity (AddPrincipalContextKeys):
// the engine derives them from each candidate principal instead of trying their values freely.
bool IsPrincipalDerivedKey(std::string_view key_lower);

// For a resource-owner key (KeyRole::kResourceOwner), the value AWS puts in requests to a resource
// owned by `owner_account` (IAM User Guide, "AWS global condition context keys":
// aws:ResourceAccount, aws:ResourceOrgID, aws:ResourceOrgPaths; Amazon S3 User Guide:
// s3:ResourceAccount), as far as it is known: the account always; the organization id and OU path
// (aws:ResourceOrgPaths carries that one path) when `zone` knows its organization and the owner
// belongs to it — every resource of an ORGANIZATION zone, the account of an ACCOUNT zone given its
// organization. nullopt otherwise (the key may then carry any value: also when `owner_account` is
// empty), and for every other key.
std::optional<std::string> ResourceOwnerKeyValue(std::string_view key_lower,
                                                 const std::string& owner_account,
                                                 const ZoneOfTrust& zone);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_CONDITION_KEYS_H_
