#include "perimeter/server/config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "perimeter/aws/arn.h"
#include "perimeter/base/text.h"

// toml++ throws toml::parse_error; this file is the only one that calls it.
#include <toml++/toml.h>

namespace perimeter::server {

namespace {

std::string Where(std::string_view source_name, const toml::source_region& region) {
  return base::Concat(source_name, ":", static_cast<int>(region.begin.line), ":",
                      static_cast<int>(region.begin.column));
}

using aws::IsAccountId;

class Reader {
 public:
  explicit Reader(std::string_view source_name) : source_name_(source_name) {}

  // Reports keys of `table` outside `allowed`.
  void CheckKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                 std::string_view where) {
    for (const auto& [key, node] : table) {
      bool known = false;
      for (std::string_view name : allowed) known = known || key.str() == name;
      if (!known) {
        Error(key.source(),
              base::Concat("unknown key '", key.str(), "'", where.empty() ? "" : " in ", where));
      }
    }
  }
  std::optional<std::string> String(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_string()) {
      Error(node->source(), base::Concat("'", key, "' must be a string"));
      return std::nullopt;
    }
    return std::string(node->as_string()->get());
  }
  std::optional<bool> Bool(const toml::table& table, std::string_view key) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    if (!node->is_boolean()) {
      Error(node->source(), base::Concat("'", key, "' must be true or false"));
      return std::nullopt;
    }
    return node->as_boolean()->get();
  }
  std::vector<std::string> Strings(const toml::table& table, std::string_view key) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      Error(node->source(), base::Concat("'", key, "' must be an array of strings"));
      return out;
    }
    for (const toml::node& element : *array) {
      if (!element.is_string()) {
        Error(element.source(), base::Concat("'", key, "' must be an array of strings"));
        continue;
      }
      out.emplace_back(element.as_string()->get());
    }
    return out;
  }
  void Error(const toml::source_region& region, std::string_view message) {
    if (error_.empty()) error_ = base::Concat(Where(source_name_, region), ": ", message);
  }
  const std::string& error() const { return error_; }
  std::string_view source_name() const { return source_name_; }

 private:
  std::string_view source_name_;
  std::string error_;
};

bool IsRegionName(std::string_view name) {
  return !name.empty() &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

// The [collect] table: the options of `perimeter collect` (docs/collect.md) and the interval.
CollectConfig ParseCollectTable(const toml::table& table, Reader& reader) {
  CollectConfig collect;
  reader.CheckKeys(table,
                   {"interval", "mode", "role_name", "external_id", "regions", "profile", "region",
                    "endpoint_url", "endpoints", "concurrency", "max_attempts", "timeout"},
                   "[collect]");
  if (std::optional<std::string> interval = reader.String(table, "interval")) {
    std::optional<absl::Duration> duration = ParseConfigDuration(*interval);
    if (!duration) {
      reader.Error(table.get("interval")->source(),
                   "'interval' must be a duration such as \"6h\" or \"30m\"");
    } else {
      collect.interval = *duration;
    }
  }
  if (std::optional<std::string> mode = reader.String(table, "mode")) {
    if (*mode != "account" && *mode != "organization") {
      reader.Error(table.get("mode")->source(), "'mode' must be \"account\" or \"organization\"");
    }
    collect.organization = *mode == "organization";
  }
  if (std::optional<std::string> role = reader.String(table, "role_name")) {
    if (role->empty()) reader.Error(table.get("role_name")->source(), "'role_name' is empty");
    collect.role_name = *role;
  }
  collect.external_id = reader.String(table, "external_id").value_or("");
  collect.regions = reader.Strings(table, "regions");
  for (const std::string& region : collect.regions) {
    if (!IsRegionName(region)) {
      reader.Error(table.get("regions")->source(),
                   base::Concat("'regions': `", region, "` is not a region name"));
    }
  }
  collect.profile = reader.String(table, "profile");
  collect.region = reader.String(table, "region");
  if (collect.region && !IsRegionName(*collect.region))
    reader.Error(table.get("region")->source(), "'region' is not a region name");
  collect.endpoint_url = reader.String(table, "endpoint_url");
  if (const toml::node* node = table.get("endpoints")) {
    const toml::table* endpoints = node->as_table();
    if (endpoints == nullptr) {
      reader.Error(node->source(), "'endpoints' must be a table of service = \"URL\"");
    } else {
      for (const auto& [key, value] : *endpoints) {
        if (!value.is_string()) {
          reader.Error(value.source(), base::Concat("'endpoints.", key.str(), "' must be a URL"));
          continue;
        }
        collect.endpoints[std::string(key.str())] = std::string(value.as_string()->get());
      }
    }
  }
  for (auto [key, target, low, high] :
       {std::tuple<std::string_view, int*, int, int>{"concurrency", &collect.concurrency, 1, 256},
        {"max_attempts", &collect.max_attempts, 1, 20}}) {
    const toml::node* value = table.get(key);
    if (value == nullptr) continue;
    if (!value->is_integer() || value->as_integer()->get() < low ||
        value->as_integer()->get() > high) {
      reader.Error(value->source(),
                   base::Concat("'", key, "' must be a whole number from ", low, " to ", high));
    } else {
      *target = static_cast<int>(value->as_integer()->get());
    }
  }
  if (std::optional<std::string> timeout = reader.String(table, "timeout")) {
    std::optional<absl::Duration> duration = ParseConfigDuration(*timeout);
    if (!duration || *duration > absl::Minutes(10)) {
      reader.Error(table.get("timeout")->source(),
                   "'timeout' must be a duration of at most 10m, such as \"30s\"");
    } else {
      collect.timeout_seconds = std::max<int>(1, absl::ToInt64Seconds(*duration));
    }
  }
  return collect;
}

}  // namespace

std::optional<std::pair<std::string, int>> ParseListenAddress(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size() ||
      text.size() - colon > 6) {
    return std::nullopt;
  }
  int port = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return std::nullopt;
  std::string host(text.substr(0, colon));
  // "[::1]:8080": the brackets are the URL's, not the address's.
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return std::pair<std::string, int>{std::move(host), port};
}

std::optional<absl::Duration> ParseConfigDuration(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  char unit = text.back();
  int64_t number = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9' || number > 1'000'000'000) return std::nullopt;
    number = number * 10 + (c - '0');
  }
  if (number <= 0) return std::nullopt;
  switch (unit) {
    case 's':
      return absl::Seconds(number);
    case 'm':
      return absl::Minutes(number);
    case 'h':
      return absl::Hours(number);
    case 'd':
      return absl::Hours(24 * number);
    default:
      return std::nullopt;
  }
}

absl::StatusOr<ServerConfig> ParseServerConfig(std::string_view text,
                                               std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    return absl::InvalidArgumentError(base::Concat(Where(source_name, error.source()), ": ",
                                                   std::string_view(error.description())));
  }
  Reader reader(source_name);
  ServerConfig config;
  reader.CheckKeys(root,
                   {"listen", "data_dir", "inventory", "periodic_scan", "resolved_retention",
                    "access_log", "rate_limit", "rate_burst", "tls_cert", "tls_key", "transport",
                    "organization", "accounts", "credentials", "collect"},
                   "");
  if (std::optional<std::string> listen = reader.String(root, "listen")) {
    std::optional<std::pair<std::string, int>> address = ParseListenAddress(*listen);
    if (!address) {
      reader.Error(root.get("listen")->source(),
                   "'listen' must be ADDRESS:PORT, e.g. \"127.0.0.1:8080\"");
    } else {
      config.host = address->first;
      config.port = address->second;
    }
  }
  if (std::optional<std::string> data_dir = reader.String(root, "data_dir"))
    config.data_dir = *data_dir;
  for (auto [key, target] :
       {std::pair<std::string_view, double*>{"rate_limit", &config.rate_limit.rate},
        {"rate_burst", &config.rate_limit.burst}}) {
    const toml::node* node = root.get(key);
    if (node == nullptr) continue;
    std::optional<double> value =
        node->is_integer()          ? std::optional<double>(node->as_integer()->get())
        : node->is_floating_point() ? std::optional<double>(node->as_floating_point()->get())
                                    : std::nullopt;
    if (!value || !(*value >= 0) || *value > 1e9) {
      reader.Error(node->source(),
                   base::Concat("'", key, "' must be a number of requests (0 or more)"));
    } else {
      *target = *value;
    }
  }
  if (config.rate_limit.rate > 0 && config.rate_limit.burst == 0)
    config.rate_limit.burst = config.rate_limit.rate;
  if (const toml::node* node = root.get("transport")) {
    const toml::table* table = node->as_table();
    if (table == nullptr) {
      reader.Error(node->source(), "'transport' must be a table");
    } else {
      reader.CheckKeys(*table,
                       {"header_timeout", "body_timeout", "idle_timeout", "write_timeout",
                        "shutdown_grace", "max_connections", "max_requests_per_connection"},
                       "[transport]");
      TransportLimits& limits = config.transport;
      for (auto [key, target] :
           {std::pair<std::string_view, absl::Duration*>{"header_timeout", &limits.header_timeout},
            {"body_timeout", &limits.body_timeout},
            {"idle_timeout", &limits.idle_timeout},
            {"write_timeout", &limits.write_timeout},
            {"shutdown_grace", &limits.shutdown_grace}}) {
        if (std::optional<std::string> text_value = reader.String(*table, key)) {
          std::optional<absl::Duration> duration = ParseConfigDuration(*text_value);
          if (!duration) {
            reader.Error(table->get(key)->source(),
                         base::Concat("'", key, "' must be a duration such as \"10s\""));
          } else {
            *target = *duration;
          }
        }
      }
      for (auto [key, target] :
           {std::pair<std::string_view, size_t*>{"max_connections", &limits.max_connections},
            {"max_requests_per_connection", &limits.max_requests_per_connection}}) {
        const toml::node* value = table->get(key);
        if (value == nullptr) continue;
        if (!value->is_integer() || value->as_integer()->get() < 1 ||
            value->as_integer()->get() > 1'000'000) {
          reader.Error(value->source(),
                       base::Concat("'", key, "' must be a whole number from 1 to 1000000"));
        } else {
          *target = static_cast<size_t>(value->as_integer()->get());
        }
      }
    }
  }
  config.tls_cert = reader.String(root, "tls_cert").value_or("");
  config.tls_key = reader.String(root, "tls_key").value_or("");
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    reader.Error(root.get(config.tls_cert.empty() ? "tls_key" : "tls_cert")->source(),
                 "'tls_cert' and 'tls_key' go together");
  }
  if (std::optional<std::string> access_log = reader.String(root, "access_log")) {
    if (access_log->empty())
      reader.Error(root.get("access_log")->source(), "'access_log' must be \"stdout\" or a path");
    config.access_log = *access_log;
  }
  config.inventory = reader.Strings(root, "inventory");
  for (auto [key, target] :
       {std::pair<std::string_view, absl::Duration*>{"periodic_scan", &config.periodic_scan},
        {"resolved_retention", &config.resolved_retention}}) {
    if (std::optional<std::string> text_value = reader.String(root, key)) {
      std::optional<absl::Duration> duration = ParseConfigDuration(*text_value);
      if (!duration) {
        reader.Error(root.get(key)->source(),
                     base::Concat("'", key, "' must be a duration such as \"24h\" or \"90d\""));
      } else {
        *target = *duration;
      }
    }
  }
  if (const toml::node* node = root.get("organization")) {
    const toml::table* table = node->as_table();
    if (table == nullptr) {
      reader.Error(node->source(), "'organization' must be a table");
    } else {
      reader.CheckKeys(*table, {"id", "management_account"}, "[organization]");
      std::optional<std::string> id = reader.String(*table, "id");
      std::optional<std::string> management = reader.String(*table, "management_account");
      if (!id || !management) {
        reader.Error(node->source(), "[organization] needs 'id' and 'management_account'");
      } else if (!IsAccountId(*management)) {
        reader.Error(table->get("management_account")->source(),
                     "'management_account' must be a 12-digit account id");
      } else {
        config.organization = service::OrganizationInfo{*id, *management};
      }
    }
  }
  std::set<std::string> account_ids;
  // The root of the OU paths the configuration gives: an organization has one (PlaceAtRoot puts the
  // accounts without 'ou_path' there).
  std::optional<std::string> root_id;
  if (const toml::node* node = root.get("accounts")) {
    const toml::array* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      reader.Error(node->source(), "'accounts' must be an array of tables ([[accounts]])");
    } else {
      for (const toml::node& element : *array) {
        const toml::table& table = *element.as_table();
        reader.CheckKeys(table, {"id", "name", "regions", "ou_path", "member"}, "[[accounts]]");
        service::Account account;
        std::optional<std::string> id = reader.String(table, "id");
        if (!id || !IsAccountId(*id)) {
          reader.Error(table.source(), "[[accounts]] needs an 'id' of 12 digits");
          continue;
        }
        if (!account_ids.insert(*id).second)
          reader.Error(table.source(), base::Concat("account ", *id, " is listed twice"));
        account.id = *id;
        account.name = reader.String(table, "name").value_or("");
        account.regions = reader.Strings(table, "regions");
        account.ou_path = reader.String(table, "ou_path").value_or("");
        std::optional<bool> member = reader.Bool(table, "member");
        if (member.has_value() && !config.organization) {
          reader.Error(table.get("member")->source(), "'member' needs an [organization] table");
        } else if (member == std::optional<bool>(false)) {
          if (!account.ou_path.empty()) {
            reader.Error(table.get("ou_path")->source(),
                         "an account with 'member = false' has no 'ou_path'");
          }
          if (config.organization && *id == config.organization->management_account) {
            reader.Error(table.get("member")->source(),
                         "the management account is a member of its organization");
          }
        } else if (config.organization) {
          if (account.ou_path.empty()) {
            account.ou_path_is_default = true;
          } else if (std::optional<std::string> path_root =
                         service::OuPathRoot(account.ou_path, config.organization->id)) {
            if (root_id && *root_id != *path_root) {
              reader.Error(
                  table.get("ou_path")->source(),
                  base::Concat("'ou_path' starts at root ", *path_root, ", another account's at ",
                               *root_id, ": an organization has one root"));
            }
            root_id = *path_root;
          } else {
            reader.Error(table.get("ou_path")->source(),
                         base::Concat("'ou_path' must be a path of organization ",
                                      config.organization->id, " from its root, e.g. \"",
                                      config.organization->id, "/r-ab12/ou-ab12-11111111/\""));
          }
        }
        config.accounts.push_back(std::move(account));
      }
    }
  }
  if (config.organization && !account_ids.contains(config.organization->management_account)) {
    config.accounts.push_back(
        service::Account{config.organization->management_account, "", {}, "", true});
    account_ids.insert(config.organization->management_account);
  }
  // Accounts listed without 'ou_path' are members at the organization's root (docs/server.md).
  if (config.organization) service::PlaceAtRoot(*config.organization, config.accounts);
  std::set<std::string> keys;
  if (const toml::node* node = root.get("credentials")) {
    const toml::array* array = node->as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      reader.Error(node->source(), "'credentials' must be an array of tables ([[credentials]])");
    } else {
      for (const toml::node& element : *array) {
        const toml::table& table = *element.as_table();
        reader.CheckKeys(
            table,
            {"access_key_id", "secret_access_key", "account", "principal", "policies", "policy"},
            "[[credentials]]");
        aws::sigv4::Credential credential;
        std::optional<std::string> key = reader.String(table, "access_key_id");
        std::optional<std::string> secret = reader.String(table, "secret_access_key");
        std::optional<std::string> account = reader.String(table, "account");
        if (!key || !secret || !account || key->empty() || secret->empty()) {
          reader.Error(table.source(),
                       "[[credentials]] needs 'access_key_id', 'secret_access_key' and 'account'");
          continue;
        }
        if (!account_ids.contains(*account)) {
          reader.Error(table.get("account")->source(),
                       base::Concat("account ", *account, " is not listed in [[accounts]]"));
        }
        if (!keys.insert(*key).second) {
          reader.Error(table.get("access_key_id")->source(),
                       base::Concat("access key ", *key, " is listed twice"));
        }
        credential.access_key_id = *key;
        credential.secret_access_key = *secret;
        credential.account_id = *account;
        credential.principal_arn = reader.String(table, "principal")
                                       .value_or(base::Concat("arn:aws:iam::", *account, ":root"));
        std::vector<std::pair<std::string, std::string>> documents;
        for (const std::string& path : reader.Strings(table, "policies")) {
          std::filesystem::path full(path);
          if (full.is_relative()) full = std::filesystem::path(source_name).parent_path() / full;
          std::ifstream file(full, std::ios::binary);
          if (!file) {
            reader.Error(table.get("policies")->source(),
                         base::Concat("cannot read the policy file ", full.string()));
            continue;
          }
          std::ostringstream contents;
          contents << file.rdbuf();
          documents.emplace_back(full.string(), std::move(contents).str());
        }
        if (std::optional<std::string> policy = reader.String(table, "policy")) {
          documents.emplace_back(
              base::Concat(Where(source_name, table.get("policy")->source()), ": policy of ", *key),
              std::move(*policy));
        }
        if (!documents.empty()) config.identity_policies[*key] = std::move(documents);
        config.credentials.push_back(std::move(credential));
      }
    }
  }
  if (const toml::node* node = root.get("collect")) {
    const toml::table* table = node->as_table();
    if (table == nullptr) {
      reader.Error(node->source(), "'collect' must be a table");
    } else {
      config.collect = ParseCollectTable(*table, reader);
    }
  }
  if (!reader.error().empty()) return absl::InvalidArgumentError(reader.error());
  return config;
}

ServerConfig DemoConfig() {
  ServerConfig config;
  config.port = 0;
  config.organization = service::OrganizationInfo{"o-exampleorgid", "111122223333"};
  std::vector<std::string> regions = {"us-east-1", "eu-west-1"};
  config.accounts = {
      {"111122223333", "Mgmt", regions, "o-exampleorgid/r-ab12/"},
      {"234598760742", "Security", regions, "o-exampleorgid/r-ab12/ou-ab12-security/"},
      {"444455556666", "Dev", regions, "o-exampleorgid/r-ab12/ou-ab12-workloads/"},
      {"777788889999", "Prod", regions, "o-exampleorgid/r-ab12/ou-ab12-workloads/"},
  };
  // The keys are made at the first start, at random, and kept in the data directory
  // (LoadOrCreateDemoKeys in data_dir.h): none is written in the source.
  config.credentials = {
      {"", "", "111122223333", "arn:aws:iam::111122223333:user/admin"},
      {"", "", "234598760742", "arn:aws:iam::234598760742:user/security"},
      {"", "", "444455556666", "arn:aws:iam::444455556666:user/dev"},
      {"", "", "777788889999", "arn:aws:iam::777788889999:user/prod"},
  };
  return config;
}

std::string DemoInventory() {
  return R"({"kind":"organization","organizationId":"o-exampleorgid","managementAccount":"111122223333","accounts":[{"accountId":"111122223333","ouPath":"o-exampleorgid/r-ab12/"},{"accountId":"234598760742","ouPath":"o-exampleorgid/r-ab12/ou-ab12-security/"},{"accountId":"444455556666","ouPath":"o-exampleorgid/r-ab12/ou-ab12-workloads/"},{"accountId":"777788889999","ouPath":"o-exampleorgid/r-ab12/ou-ab12-workloads/"}]}
{"kind":"resource","resourceArn":"arn:aws:s3:::demo-public-reports","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":"444455556666","region":"us-east-1","configuration":{"s3Bucket":{"bucketPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::demo-public-reports/*\"}]}"}}}
{"kind":"resource","resourceArn":"arn:aws:iam::777788889999:role/partner-deploy","resourceType":"AWS::IAM::Role","resourceOwnerAccount":"777788889999","configuration":{"iamRole":{"trustPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},\"Action\":\"sts:AssumeRole\"}]}"}}}
{"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:234598760742:alerts","resourceType":"AWS::SQS::Queue","resourceOwnerAccount":"234598760742","region":"us-east-1","configuration":{"sqsQueue":{"queuePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"999988887777\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:234598760742:alerts\"},{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"sqs:ReceiveMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:234598760742:alerts\"}]}"}}}
{"kind":"resource","resourceArn":"arn:aws:s3:::demo-internal-logs","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":"111122223333","region":"us-east-1","configuration":{"s3Bucket":{"bucketPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::234598760742:root\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::demo-internal-logs/*\"}]}"}}}
)";
}

std::string CredentialsFile(const ServerConfig& config) {
  std::string out;
  for (const aws::sigv4::Credential& credential : config.credentials) {
    std::string profile;
    for (const service::Account& account : config.accounts) {
      if (account.id == credential.account_id) profile = account.name;
    }
    if (profile.empty()) profile = credential.account_id;
    out += base::Concat("[", profile, "]\naws_access_key_id = ", credential.access_key_id,
                        "\naws_secret_access_key = ", credential.secret_access_key, "\n\n");
  }
  return out;
}

}  // namespace perimeter::server
