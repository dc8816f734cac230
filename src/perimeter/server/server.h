// `perimeter serve`: the HTTP transport (cpp-httplib) and the wiring of store, services and analysis.
//
// Each request is routed by X-Amz-Target (Organizations, JSON 1.1, POST /) or by method and path
// (Access Analyzer, restJson1, api/rest_routes.h), then SigV4-verified for that service (api/sigv4),
// then handed to the service with the caller's account and region. A request that fails verification
// gets 403 with AWS's error code and changes nothing.
//
// Perimeter's own endpoint, POST /perimeter/import (signed for service access-analyzer), takes an
// inventory (shared/spec/inventory.md) in the body; a caller may import only resources and account
// records of its own account, and the management account also organization records. The import is
// stored, then analyzed by the background worker; the reply says what was imported.
#ifndef PERIMETER_SERVER_SERVER_H_
#define PERIMETER_SERVER_SERVER_H_

#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/authorization.h"
#include "perimeter/api/organizations_service.h"
#include "perimeter/base/clock.h"
#include "perimeter/server/analysis_worker.h"
#include "perimeter/server/config.h"
#include "perimeter/store/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace perimeter::server {

class Server {
 public:
  // Wires a server over `store` (which it owns). Nothing listens yet.
  static absl::StatusOr<std::unique_ptr<Server>> Create(ServerConfig config, std::unique_ptr<store::Store> store,
                                                        const base::Clock& clock, std::ostream& log);
  ~Server();

  // Imports an inventory file's text on behalf of the operator (no account restriction). Problems of
  // the file are written to the log; records with errors are skipped. Returns the number imported.
  absl::StatusOr<size_t> Import(const std::string& source_name, const std::string& text);

  // Binds the configured address (port 0: a free one) and returns the port.
  absl::StatusOr<int> Bind();
  // Starts the analysis worker and serves until Stop(). REQUIRES: Bind() succeeded.
  void Run();
  void Stop();
  // Waits until the analysis has caught up with everything scheduled so far.
  void WaitForAnalysis() { worker_->WaitIdle(); }

  const ServerConfig& config() const { return config_; }

 private:
  Server(ServerConfig config, std::unique_ptr<store::Store> store, const base::Clock& clock, std::ostream& log);
  void Handle(const httplib::Request& request, httplib::Response& response);
  absl::Status RebuildEnvironment();
  absl::Status ReloadCatalog();
  std::shared_ptr<const api::Environment> environment();
  std::shared_ptr<const api::ResourceCatalog> catalog();
  api::ApiResponse ImportRequest(const api::Caller& caller, const std::string& body);
  // The refusal of a call by the identity-based policies of the key that signed it; nullopt when the
  // key has none or they allow the call.
  std::optional<api::AwsError> Authorize(std::string_view access_key_id, const api::Caller& caller,
                                         const api::AuthorizationTarget& target) const;

  ServerConfig config_;
  std::unique_ptr<store::Store> store_;
  const base::Clock& clock_;
  std::ostream& log_;
  std::mutex state_mutex_;
  std::shared_ptr<const api::Environment> environment_;
  std::shared_ptr<const api::ResourceCatalog> catalog_;
  std::unique_ptr<api::Analysis> analysis_;
  std::unique_ptr<AnalysisWorker> worker_;
  std::unique_ptr<api::AccessAnalyzerService> access_analyzer_;
  std::unique_ptr<api::OrganizationsService> organizations_;
  std::unique_ptr<httplib::Server> http_;
  // By access key id (ServerConfig::identity_policies, compiled).
  std::map<std::string, std::shared_ptr<const api::IdentityPolicies>, std::less<>> identity_policies_;
  std::mutex import_mutex_;
};

// What `perimeter serve` was asked to do.
struct ServeOptions {
  std::optional<std::string> config_path;
  bool demo = false;
  std::vector<std::string> inventory;  // in addition to the config's
  std::optional<std::string> data_dir;
  std::optional<std::string> listen;  // overrides the config's
  bool ephemeral = false;             // memory store: nothing is written to disk
};

// Runs `perimeter serve` until SIGINT or SIGTERM. First stdout line: "listening on http://HOST:PORT".
// Returns the process exit code.
int RunServe(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_SERVER_H_
