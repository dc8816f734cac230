// The configuration of `perimeter serve`: one TOML file in the format of shared/spec/server.md
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
#include "perimeter/api/environment.h"
#include "perimeter/api/sigv4/sigv4.h"

namespace perimeter::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port
  std::string data_dir = "perimeter-data";
  std::vector<std::string> inventory;  // files imported at start
  absl::Duration periodic_scan = absl::Hours(24);
  absl::Duration resolved_retention = absl::Hours(24 * 90);
  std::optional<api::OrganizationInfo> organization;
  std::vector<api::Account> accounts;
  std::vector<api::sigv4::Credential> credentials;
  // The identity-based policies of a credential's principal ([[credentials]] `policies` files and
  // `policy` text), by access key id: (source name, policy JSON). A key without policies has full access
  // to its own account (docs/server.md, "Authorization").
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> identity_policies;
  // Not in the TOML file: a full scan when the server starts (the inventory may have changed while it
  // was down). The load benchmark turns it off to keep findings it seeded into the store directly.
  bool scan_at_start = true;
};

// Parses the TOML text of `source_name`. Errors (InvalidArgument) read "FILE:LINE:COL: message": TOML
// syntax, unknown keys, wrong types, malformed values (listen address, durations, 12-digit account ids),
// credentials for unknown accounts, duplicate access keys, policy files that cannot be read (a relative
// path is taken from the directory of `source_name`). Policies are read, not parsed, here.
absl::StatusOr<ServerConfig> ParseServerConfig(std::string_view text, std::string_view source_name);

// "24h", "90d", "30m", "15s" (a positive integer and a unit).
std::optional<absl::Duration> ParseConfigDuration(std::string_view text);

// The built-in example of `perimeter serve --demo`: an organization with a management account (Mgmt),
// a security account to be registered as delegated administrator (Security) and two members, their
// access keys, and an inventory (DemoInventory) with resources that grant external access.
ServerConfig DemoConfig();
std::string DemoInventory();  // JSON Lines, shared/spec/inventory.md
// An AWS CLI credentials file with one profile per named account of `config` that has a key.
std::string CredentialsFile(const ServerConfig& config);

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_CONFIG_H_
