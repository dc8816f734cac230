// The configuration of `perimeter serve`: one TOML file in the format of docs/server.md
// (documented for users in docs/server.md). Every key has a default that works for a local try-out;
// an unknown key is an error naming the key and its line.
#ifndef PERIMETER_SERVER_CONFIG_H_
#define PERIMETER_SERVER_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/server/http_transport.h"
#include "perimeter/server/rate_limiter.h"
#include "perimeter/service/environment.h"

namespace perimeter::server {

// The [collect] table (docs/collect.md, "perimeter serve keeps watching"): what the server's own
// collector reads, how often, and with which credentials and endpoints. The keys are those of
// `perimeter collect`'s options.
struct CollectConfig {
  absl::Duration interval = absl::Hours(6);  // between the ends of two runs; one at start
  bool organization = false;                 // mode = "organization" | "account" (default)
  std::string role_name = "OrganizationAccountAccessRole";
  std::string external_id;           // "" for none
  std::vector<std::string> regions;  // empty: each account's enabled regions
  // Credentials: the AWS SDKs' chain (aws/client/credential_chain.h) in the server's environment,
  // with `profile` when given; `region` is the home region (else the profile's, else us-east-1).
  std::optional<std::string> profile;
  std::optional<std::string> region;
  std::optional<std::string> endpoint_url;  // every service's requests go here
  // [collect.endpoints]: per service, as a profile's `services` section ("s3", "secrets_manager").
  std::map<std::string, std::string> endpoints;
  int concurrency = 4;
  int max_attempts = 3;
  int timeout_seconds = 30;  // per call
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::string data_dir = "perimeter-data";
  std::vector<std::string> inventory;  // files imported at start
  absl::Duration periodic_scan = absl::Hours(24);
  absl::Duration resolved_retention = absl::Hours(24 * 90);
  std::string access_log;  // "" (none), "stdout", or a file appended to
  RateLimit rate_limit;    // per access key; rate 0: none
  // HTTPS: PEM files of the certificate chain and its private key; both "" for plain HTTP.
  std::string tls_cert;
  std::string tls_key;
  std::optional<service::OrganizationInfo> organization;
  std::vector<service::Account> accounts;
  std::vector<aws::sigv4::Credential> credentials;
  // The identity-based policies of a credential's principal ([[credentials]] `policies` files and
  // `policy` text), by access key id: (source name, policy JSON). A key without policies has full
  // access to its own account (docs/server.md, "Authorization").
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> identity_policies;
  // Not in the TOML file: a full scan when the server starts (the inventory may have changed while
  // it was down). The load benchmark turns it off to keep findings it seeded into the store
  // directly.
  bool scan_at_start = true;
  // Connection deadlines and caps (http_transport.h): the [transport] table.
  TransportLimits transport;
  // The [collect] table; nullopt: the server collects nothing itself.
  std::optional<CollectConfig> collect;
};

// Parses the TOML text of `source_name`. Errors (InvalidArgument) read "FILE:LINE:COL: message":
// TOML syntax, unknown keys, wrong types, malformed values (listen address, durations, 12-digit
// account ids), credentials for unknown accounts, duplicate access keys, policy files that cannot
// be read (a relative path is taken from the directory of `source_name`; policies are read, not
// parsed, here), OU paths outside the organization or from different roots, 'member = false' with
// an 'ou_path' or for the management account.
//
// With an [organization], every listed account is a member unless it says `member = false`; one
// without 'ou_path' sits at the organization's root (ou_path "ORG/ROOT/", ou_path_is_default): ROOT
// is the root of the OU paths given, or service::RootIdFor(ORG) when none is. The management
// account is always a member.
absl::StatusOr<ServerConfig> ParseServerConfig(std::string_view text, std::string_view source_name);

// "ADDRESS:PORT" (the config's `listen`, `--listen`): a non-empty address and a port of 0..65535 in
// digits; nullopt otherwise.
std::optional<std::pair<std::string, int>> ParseListenAddress(std::string_view text);

// "24h", "90d", "30m", "15s" (a positive integer and a unit).
std::optional<absl::Duration> ParseConfigDuration(std::string_view text);

// The built-in example of `perimeter serve --demo`: an organization with a management account
// (Mgmt), a security account to be registered as delegated administrator (Security) and two
// members, a credential for each (its keys left empty: LoadOrCreateDemoKeys fills them), and an
// inventory (DemoInventory) with resources that grant external access.
ServerConfig DemoConfig();
std::string DemoInventory();  // JSON Lines, docs/inventory.md
// An AWS CLI credentials file with one profile per named account of `config` that has a key.
std::string CredentialsFile(const ServerConfig& config);

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_CONFIG_H_
