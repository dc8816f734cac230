#include "perimeter/reasoning/candidate_principals.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "absl/status/status.h"
#include "perimeter/base/text.h"
#include "perimeter/policy/arn.h"
#include "perimeter/reasoning/key_domain.h"
#include "perimeter/reasoning/string_partition.h"

namespace perimeter::reasoning {
namespace {

struct PolicyConstants {
  std::set<std::string> accounts;
  std::vector<StringPattern> arn_patterns;  // Principal ARNs and aws:PrincipalArn values
  // aws:PrincipalAccount / kms:CallerAccount values with wildcards (StringLike "1111*").
  std::vector<StringPattern> account_patterns;
  std::vector<StringPattern> org_id_patterns;    // aws:PrincipalOrgID values
  std::vector<StringPattern> org_path_patterns;  // aws:PrincipalOrgPaths values
  std::vector<std::string> federated;            // Federated values
  std::vector<std::string> canonical_users;      // CanonicalUser values
};

absl::StatusOr<PolicyConstants> CollectConstants(const policy::Policy& policy) {
  PolicyConstants constants;
  for (const policy::Statement& statement : policy.statements) {
    if (statement.principal.has_value()) {
      for (const policy::PrincipalValue& value : statement.principal->values) {
        switch (value.kind) {
          case policy::PrincipalKind::kAws: {
            if (value.value == "*") break;
            if (std::optional<std::string_view> account = policy::PrincipalAccount(value.value)) {
              constants.accounts.insert(std::string(*account));
            }
            std::optional<policy::Arn> arn = policy::ParseArn(value.value);
            if (arn.has_value()) {
              constants.arn_patterns.push_back({policy::WildcardPattern::FromGlob(value.value),
                                                StringPattern::Syntax::kArn,
                                                policy::CaseMode::kSensitive});
            }
            break;
          }
          case policy::PrincipalKind::kFederated:
            constants.federated.push_back(value.value);
            break;
          case policy::PrincipalKind::kCanonicalUser:
            constants.canonical_users.push_back(value.value);
            break;
          case policy::PrincipalKind::kService:
            break;
        }
      }
    }
    for (const policy::Condition& condition : statement.conditions) {
      const std::string& key = condition.key_lower;
      for (const policy::ConditionValue& value : condition.values) {
        if (key == "aws:principalaccount" || key == "kms:calleraccount") {
          StringPattern pattern = ConditionValuePattern(condition.op.op, value.value);
          if (!pattern.pattern.is_literal()) {
            // A pattern fixes no account: it stands for every account it matches, each region of
            // them getting a caller of its own (WildcardAccounts).
            constants.account_patterns.push_back(std::move(pattern));
            continue;
          }
          if (!policy::IsAccountId(value.value)) {
            // A literal that is not a 12-digit account id ("deploy-role", "arn:aws:s3", an ARN)
            // equals no caller's account, case-sensitively or not, and an ARN operator reads it as
            // matching nothing (docs/access-analyzer-rules.md, issue #12): it tells no accounts
            // apart, so it names none.
            continue;
          }
          constants.accounts.insert(value.value);
        } else if (key == "aws:principalarn") {
          constants.arn_patterns.push_back(ConditionValuePattern(condition.op.op, value.value));
          if (std::optional<policy::Arn> arn = policy::ParseArn(value.value);
              arn.has_value() && policy::IsAccountId(arn->account)) {
            constants.accounts.insert(std::string(arn->account));
          }
        } else if (key == "aws:principalorgid") {
          constants.org_id_patterns.push_back(ConditionValuePattern(condition.op.op, value.value));
        } else if (key == "aws:principalorgpaths") {
          constants.org_path_patterns.push_back(
              ConditionValuePattern(condition.op.op, value.value));
        }
      }
    }
  }
  return constants;
}

// An account id that neither the policy nor the zone names, deterministically.
std::string FreshAccount(const std::set<std::string>& taken) {
  for (uint64_t n = 999999999999ULL;; --n) {
    std::string candidate = std::to_string(n);
    if (!taken.contains(candidate)) return candidate;
  }
}

absl::StatusOr<std::vector<std::string>> Representatives(const std::vector<StringPattern>& patterns,
                                                         const std::vector<StringPattern>& domain) {
  absl::StatusOr<std::vector<StringRegion>> regions = PartitionStrings(patterns, domain);
  if (!regions.ok()) return regions.status();
  std::vector<std::string> out;
  for (StringRegion& region : *regions) out.push_back(std::move(region.representative));
  return out;
}

StringPattern Glob(std::string text) {
  return {policy::WildcardPattern::FromGlob(text), StringPattern::Syntax::kGlob,
          policy::CaseMode::kSensitive};
}
StringPattern Literal(std::string text) {
  return {policy::WildcardPattern::FromLiteral(text), StringPattern::Syntax::kGlob,
          policy::CaseMode::kSensitive};
}

// Whether some 12-digit account id matches `pattern`: its literal text is digits only, and its
// fixed characters fit in 12 (exactly 12 without a '*'). A pattern that matches none ("arn:*" on
// aws:PrincipalAccount, an ARN operator's non-ARN value) tells no accounts apart.
bool MatchesSomeAccountId(const policy::WildcardPattern& pattern) {
  size_t fixed = 0;
  bool any_sequence = false;
  for (const policy::WildcardPattern::Piece& piece : pattern.pieces()) {
    switch (piece.kind) {
      case policy::WildcardPattern::PieceKind::kLiteral:
        if (!std::all_of(piece.text.begin(), piece.text.end(),
                         [](char c) { return c >= '0' && c <= '9'; })) {
          return false;
        }
        fixed += piece.text.size();
        break;
      case policy::WildcardPattern::PieceKind::kAnyCharacter:
        ++fixed;
        break;
      case policy::WildcardPattern::PieceKind::kAnySequence:
        any_sequence = true;
        break;
    }
  }
  return any_sequence ? fixed <= 12 : fixed == 12;
}

// Accounts that account patterns with wildcards ("arn:aws:iam::1111*:root", aws:PrincipalArn
// "arn:aws:iam::22????????:*") tell apart: one per region of the Venn diagram of those patterns
// over 12-character strings, the accounts of `named` they match being regions of their own (so no
// other region's representative is a named or zone account). A representative may hold characters
// that are not digits where its region does not care: each becomes a digit that keeps it in its
// region (the same patterns match), checked; when no digit does, the policy is refused, never
// guessed.
absl::StatusOr<std::vector<std::string>> WildcardAccounts(const PolicyConstants& constants,
                                                          const std::set<std::string>& named) {
  std::vector<StringPattern> patterns;
  for (const StringPattern& arn : constants.arn_patterns) {
    std::vector<policy::WildcardPattern> parts = arn.pattern.Split(':', 6);
    if (parts.size() < 5 || parts[4].is_literal() || parts[4].matches_everything() ||
        !MatchesSomeAccountId(parts[4])) {
      continue;
    }
    patterns.push_back({parts[4], StringPattern::Syntax::kGlob, policy::CaseMode::kSensitive});
  }
  for (const StringPattern& account : constants.account_patterns) {
    if (!account.pattern.matches_everything() && MatchesSomeAccountId(account.pattern))
      patterns.push_back(account);
  }
  if (patterns.empty()) return std::vector<std::string>{};
  std::vector<StringPattern> account_patterns = patterns;
  for (const std::string& account : named) {
    bool matched = std::any_of(patterns.begin(), patterns.end(),
                               [&](const StringPattern& p) { return p.pattern.Matches(account); });
    if (matched) account_patterns.push_back(Literal(account));
  }
  auto signature = [&](const std::string& text) {
    std::vector<bool> out;
    for (const StringPattern& p : account_patterns) out.push_back(p.pattern.Matches(text));
    return out;
  };
  absl::StatusOr<std::vector<std::string>> regions =
      Representatives(account_patterns, {Glob("????????????")});
  if (!regions.ok()) return regions.status();
  std::vector<std::string> out;
  for (std::string account : *regions) {
    const std::vector<bool> region = signature(account);
    for (char& c : account) {
      if (c >= '0' && c <= '9') continue;
      char kept = 0;
      for (char d = '0'; d <= '9' && kept == 0; ++d) {
        char before = c;
        c = d;
        if (signature(account) == region) kept = d;
        c = kept != 0 ? kept : before;
      }
      if (kept == 0) {
        return absl::UnimplementedError(
            base::Concat("no account id stands for the accounts like \"", account,
                         "\" that the policy's patterns name"));
      }
    }
    if (!named.contains(account)) out.push_back(std::move(account));
  }
  return out;
}

// The states of the glob `glob`'s automaton after reading `prefix`: two prefixes with the same
// states are matched alike by the pattern whatever follows them. A state is a position (pieces
// fully matched, characters matched into the next literal piece); returned flattened, sorted.
std::vector<size_t> GlobStatesAfter(const StringPattern& glob, std::string_view prefix) {
  const std::vector<policy::WildcardPattern::Piece>& pieces = glob.pattern.pieces();
  auto fold = [&](char c) {
    return glob.case_mode == policy::CaseMode::kInsensitive
               ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
               : c;
  };
  std::set<std::pair<size_t, size_t>> states;
  // Adds the position (piece, offset), normalised (a literal read to its end is the next piece),
  // and the positions after a '*' that matches nothing.
  auto add = [&](size_t piece, size_t offset) {
    while (true) {
      if (piece < pieces.size() &&
          pieces[piece].kind == policy::WildcardPattern::PieceKind::kLiteral &&
          offset == pieces[piece].text.size()) {
        ++piece;
        offset = 0;
        continue;
      }
      states.insert({piece, offset});
      if (piece < pieces.size() &&
          pieces[piece].kind == policy::WildcardPattern::PieceKind::kAnySequence) {
        ++piece;
        offset = 0;
        continue;
      }
      return;
    }
  };
  add(0, 0);
  for (char c : prefix) {
    std::set<std::pair<size_t, size_t>> current;
    current.swap(states);
    for (const auto& [piece, offset] : current) {
      if (piece >= pieces.size())
        continue;  // the whole pattern is matched: nothing more may follow
      switch (pieces[piece].kind) {
        case policy::WildcardPattern::PieceKind::kLiteral:
          if (fold(pieces[piece].text[offset]) == fold(c)) add(piece, offset + 1);
          break;
        case policy::WildcardPattern::PieceKind::kAnyCharacter:
          add(piece + 1, 0);
          break;
        case policy::WildcardPattern::PieceKind::kAnySequence:
          add(piece, 0);
          break;
      }
    }
  }
  std::vector<size_t> out;
  for (const auto& [piece, offset] : states) {
    out.push_back(piece);
    out.push_back(offset);
  }
  return out;
}

// The identities of `account` the policy can tell apart: its root and one role or user per region.
absl::StatusOr<std::vector<eval::RequestPrincipal>> AccountIdentities(
    const std::string& account, const PolicyConstants& constants, const std::string& partition) {
  // Every kind of IAM caller of the account: its root user, users, roles (standing for their
  // sessions), role sessions by session ARN, and federated users (GetFederationToken).
  std::string prefix = base::Concat("arn:", partition, ":iam::", account, ":");
  std::string sts = base::Concat("arn:", partition, ":sts::", account, ":");
  // Only patterns whose partition and account components can match this account tell its
  // identities apart; the others match none of them.
  std::vector<StringPattern> relevant;
  for (const StringPattern& pattern : constants.arn_patterns) {
    // A glob's '*' may cross ':' (StringLike on aws:PrincipalArn): only ARN-syntax patterns and
    // literals split faithfully into components.
    bool splits = pattern.syntax == StringPattern::Syntax::kArn || pattern.pattern.is_literal();
    std::vector<policy::WildcardPattern> parts = pattern.pattern.Split(':', 6);
    if (splits && parts.size() == 6 && (!parts[4].Matches(account) || !parts[1].Matches(partition)))
      continue;
    relevant.push_back(pattern);
  }
  // One partition per kind of caller: kinds differ in more than their ARNs (aws:PrincipalType, how
  // Principal values name them), so each kind needs its own representatives.
  std::vector<std::string> arns;
  std::vector<std::pair<StringPattern, std::string>> kinds = {
      // a kind and its shortest member
      {Literal(prefix + "root"), prefix + "root"},
      {Glob(prefix + "role/*"), prefix + "role/"},
      {Glob(prefix + "user/*"), prefix + "user/"},
      {Glob(sts + "assumed-role/*"), sts + "assumed-role/"},
      {Glob(sts + "federated-user/*"), sts + "federated-user/"}};
  for (const auto& [kind, shortest] : kinds) {
    // A case-sensitive literal pattern tells this kind's callers apart only when it names one of
    // them.
    std::vector<StringPattern> of_this_kind;
    for (const StringPattern& pattern : relevant) {
      bool names_another_kind = pattern.case_mode == policy::CaseMode::kSensitive &&
                                pattern.pattern.is_literal() &&
                                !kind.pattern.Matches(pattern.pattern.literal());
      if (!names_another_kind) of_this_kind.push_back(pattern);
    }
    if (of_this_kind.empty()) {
      // One region, the whole kind: its shortest member is what PartitionStrings would give,
      // without building an automaton.
      arns.push_back(shortest);
      continue;
    }
    absl::StatusOr<std::vector<std::string>> of_kind = Representatives(of_this_kind, {kind});
    if (!of_kind.ok()) return of_kind.status();
    arns.insert(arns.end(), of_kind->begin(), of_kind->end());
  }
  std::vector<eval::RequestPrincipal> identities;
  for (const std::string& arn : arns) {
    std::string text = arn;
    // A shortest member of a region may lack a name ("role/", "assumed-role/x"): complete it. The
    // completed name is still a member of the domain, and any region whose members are all nameless
    // holds no real caller.
    // A user or role whose path is the region's text ("user/:role/" for StringLike
    // "arn:aws:iam::*:role/*", whose '*' crosses ':'): IAM paths are "/" or "/" + printable ASCII +
    // "/" (IAM API Reference, CreateUser, Path), so a user with path "/:role/" exists and is named
    // here.
    if ((text.rfind(prefix + "role/", 0) == 0 || text.rfind(prefix + "user/", 0) == 0 ||
         text == sts + "federated-user/") &&
        text.back() == '/') {
      text += "perimeter-probe";
    }
    if (text.rfind(sts + "assumed-role/", 0) == 0) {
      std::string rest = text.substr(sts.size() + std::string_view("assumed-role/").size());
      size_t slash = rest.find('/');
      if (slash == std::string::npos) rest += "/perimeter-probe";
      if (rest.front() == '/') rest = "perimeter-probe" + rest;
      if (rest.back() == '/') rest += "perimeter-probe";
      text = sts + "assumed-role/" + rest;
    }
    absl::StatusOr<eval::RequestPrincipal> principal = eval::ParseRequestPrincipal(text);
    if (!principal.ok()) {
      return absl::InternalError(base::Concat("candidate principal \"", text,
                                              "\": ", std::string(principal.status().message())));
    }
    identities.push_back(std::move(*principal));
  }
  return identities;
}

struct OrgMembership {
  std::optional<std::string> org_id;
  std::vector<std::string> paths;
};

// The organization ids whose OU paths `path` can match: an OU path is "<org id>/<root>/<ou>/.../",
// and an org id holds no '/', so `path` matches some path of organization I exactly when one of
// these patterns matches I. Each is the part of `path` before a character that may stand for the
// '/' after the id: a literal '/', a '?', or a '*' (kept: it may also eat the end of the id). The
// id classes must tell these apart, or "o-other/*" would find no organization to stand for (issue
// #12).
std::vector<StringPattern> OrgIdPatternsOfPath(const StringPattern& path) {
  std::vector<StringPattern> out;
  policy::WildcardPattern prefix;
  auto emit = [&](const policy::WildcardPattern& id) {
    out.push_back({id, StringPattern::Syntax::kGlob, path.case_mode});
  };
  for (const policy::WildcardPattern::Piece& piece : path.pattern.pieces()) {
    switch (piece.kind) {
      case policy::WildcardPattern::PieceKind::kLiteral: {
        size_t slash = piece.text.find('/');
        if (slash != std::string::npos) {
          prefix.AppendLiteral(piece.text.substr(0, slash));
          emit(prefix);
          return out;  // the id ends at the first literal '/'
        }
        prefix.AppendLiteral(piece.text);
        break;
      }
      case policy::WildcardPattern::PieceKind::kAnySequence:
        prefix.AppendGlob("*");
        emit(prefix);
        break;
      case policy::WildcardPattern::PieceKind::kAnyCharacter:
        emit(prefix);
        prefix.AppendGlob("?");
        break;
    }
  }
  return out;
}

// The paths of organization `id`: "<id>/" and anything after it.
StringPattern PathsOf(const std::string& id) {
  policy::WildcardPattern paths = policy::WildcardPattern::FromLiteral(id + "/");
  paths.AppendGlob("*");
  return {std::move(paths), StringPattern::Syntax::kGlob, policy::CaseMode::kSensitive};
}

// The organizations an external account outside the zone's organization may belong to: none, and
// one per class of organization ids that the policy's aws:PrincipalOrgID values and the org ids of
// its aws:PrincipalOrgPaths values tell apart, each with no path and with one path per path class.
absl::StatusOr<std::vector<OrgMembership>> ForeignMemberships(
    const PolicyConstants& constants, const std::optional<Organization>& own) {
  std::vector<OrgMembership> out = {OrgMembership{}};
  if (constants.org_id_patterns.empty() && constants.org_path_patterns.empty()) return out;
  std::vector<StringPattern> id_patterns = constants.org_id_patterns;
  for (const StringPattern& path : constants.org_path_patterns) {
    std::vector<StringPattern> ids = OrgIdPatternsOfPath(path);
    id_patterns.insert(id_patterns.end(), ids.begin(), ids.end());
  }
  // The own organization's id is a class of its own, so that no foreign organization's
  // representative is it (only members carry it).
  if (own.has_value()) id_patterns.push_back(Literal(own->id));
  absl::StatusOr<std::vector<std::string>> ids = Representatives(id_patterns, {Glob("o-*")});
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    if (own.has_value() && id == own->id) continue;  // only members carry the own organization's id
    std::vector<std::vector<std::string>> path_sets = {{}};
    if (!constants.org_path_patterns.empty()) {
      absl::StatusOr<std::vector<std::string>> paths =
          Representatives(constants.org_path_patterns, {PathsOf(id)});
      if (!paths.ok()) return paths.status();
      for (const std::string& path : *paths) path_sets.push_back({path});
    }
    for (std::vector<std::string>& paths : path_sets)
      out.push_back(OrgMembership{id, std::move(paths)});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<eval::RequestPrincipal>> BuildCandidatePrincipals(
    const policy::Policy& policy, const ZoneOfTrust& zone,
    const CandidatePrincipalOptions& options) {
  absl::StatusOr<PolicyConstants> constants = CollectConstants(policy);
  if (!constants.ok()) return constants.status();

  std::set<std::string> taken = constants->accounts;
  for (const std::string& account : zone.Accounts()) taken.insert(account);
  const std::optional<Organization>& organization = zone.organization();
  if (organization.has_value()) {
    for (const OrganizationMember& member : organization->members) taken.insert(member.account_id);
  }
  std::set<std::string> accounts = constants->accounts;
  accounts.insert(FreshAccount(taken));
  absl::StatusOr<std::vector<std::string>> wildcard_accounts = WildcardAccounts(*constants, taken);
  if (!wildcard_accounts.ok()) return wildcard_accounts.status();
  accounts.insert(wildcard_accounts->begin(), wildcard_accounts->end());
  // An ACCOUNT zone: the other members of its organization are external, but carry its org id and
  // their OU path. One member stands for all those the policy cannot tell apart: the same account
  // patterns and the same aws:PrincipalOrgPaths patterns match them (members in different OUs are
  // different callers to "o-.../ou-x/*"); named ones are in constants already.
  if (zone.type() == ZoneOfTrust::Type::kAccount && organization.has_value()) {
    std::set<std::vector<size_t>> seen;
    for (const OrganizationMember& member : organization->members) {
      if (zone.ContainsAccount(member.account_id)) continue;
      std::vector<size_t> signature;
      for (const StringPattern& arn : constants->arn_patterns) {
        if (arn.syntax == StringPattern::Syntax::kArn) {
          std::vector<policy::WildcardPattern> parts = arn.pattern.Split(':', 6);
          signature.push_back(parts.size() >= 5 && parts[4].Matches(member.account_id));
          continue;
        }
        // A StringLike '*' may cross the ':' around the account: what the rest of the ARN can still
        // match after the account is the pattern's state there, for each kind of caller's ARN.
        for (std::string_view service : {":iam::", ":sts::"}) {
          std::vector<size_t> states = GlobStatesAfter(
              arn, base::Concat("arn:", options.partition, service, member.account_id, ":"));
          signature.push_back(states.size());
          signature.insert(signature.end(), states.begin(), states.end());
        }
      }
      for (const StringPattern& account : constants->account_patterns) {
        signature.push_back(account.Matches(member.account_id));
      }
      for (const StringPattern& path : constants->org_path_patterns)
        signature.push_back(path.Matches(member.ou_path));
      if (seen.insert(std::move(signature)).second) accounts.insert(member.account_id);
    }
  }

  absl::StatusOr<std::vector<OrgMembership>> foreign = ForeignMemberships(*constants, organization);
  if (!foreign.ok()) return foreign.status();

  std::vector<eval::RequestPrincipal> candidates;
  auto add = [&](eval::RequestPrincipal principal) -> absl::Status {
    if (candidates.size() >= options.max_candidates) {
      return absl::ResourceExhaustedError(
          base::Concat("more than ", options.max_candidates, " classes of principals to try"));
    }
    candidates.push_back(std::move(principal));
    return absl::OkStatus();
  };

  for (const std::string& account : accounts) {
    if (zone.ContainsAccount(account)) continue;
    absl::StatusOr<std::vector<eval::RequestPrincipal>> identities =
        AccountIdentities(account, *constants, options.partition);
    if (!identities.ok()) return identities.status();
    const OrganizationMember* member =
        organization.has_value() ? organization->FindMember(account) : nullptr;
    for (eval::RequestPrincipal& identity : *identities) {
      if (member != nullptr) {
        identity.org_id = organization->id;
        identity.org_paths = {member->ou_path};
        if (absl::Status status = add(identity); !status.ok()) return status;
        continue;
      }
      for (const OrgMembership& membership : *foreign) {
        eval::RequestPrincipal principal = identity;
        principal.org_id = membership.org_id;
        principal.org_paths = membership.paths;
        if (absl::Status status = add(std::move(principal)); !status.ok()) return status;
      }
    }
  }
  for (const std::string& provider : constants->federated) {
    absl::StatusOr<eval::RequestPrincipal> principal =
        eval::MakeRequestPrincipal(eval::PrincipalType::kWebIdentityOrSaml, provider);
    if (principal.ok()) {
      if (absl::Status status = add(std::move(*principal)); !status.ok()) return status;
    }
  }
  for (const std::string& id : constants->canonical_users) {
    absl::StatusOr<eval::RequestPrincipal> principal =
        eval::MakeRequestPrincipal(eval::PrincipalType::kCanonicalUser, id);
    if (principal.ok()) {
      if (absl::Status status = add(std::move(*principal)); !status.ok()) return status;
    }
  }
  absl::StatusOr<eval::RequestPrincipal> anonymous =
      eval::MakeRequestPrincipal(eval::PrincipalType::kAnonymous, "");
  if (!anonymous.ok()) return anonymous.status();
  if (absl::Status status = add(std::move(*anonymous)); !status.ok()) return status;
  return candidates;
}

}  // namespace perimeter::reasoning
