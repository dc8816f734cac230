// Access previews on a server holding many findings (issue #16: "a preview of one resource
// completes in <= 100 ms p99 on a server holding 100k findings"). The findings are seeded into a
// fresh SQLite store (one ACCOUNT analyzer, five findings per resource, the previewed role among
// them), the inventory holds the role, and each iteration runs the validators' sequence through the
// service the server routes to (api::AccessAnalyzerService::Handle, in process: no HTTP, no SigV4):
// CreateAccessPreview of the role with a changed trust policy, GetAccessPreview,
// ListAccessPreviewFindings. Prints p50/p99/max of CreateAccessPreview (the computation and its two
// writes) and of the whole sequence.
//
//   access_preview_benchmark [--findings N] [--previews P]
// Unknown flags are ignored (scripts/bench.sh passes Google Benchmark's). The store lives in a
// directory under TMPDIR, removed at the end.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/seed_findings.h"
#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/service/inventory_catalog.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace {

using namespace perimeter;

constexpr char kAccount[] = "111122223333";
constexpr char kRegion[] = "us-east-1";
constexpr char kAnalyzer[] = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/bench";

std::string Trust(std::string_view principal) {
  return base::Concat(
      R"("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::)",
      principal, R"(:root\"},\"Action\":\"sts:AssumeRole\"}]}")");
}

std::string RoleArn(size_t i) { return base::Concat("arn:aws:iam::111122223333:role/bench-", i); }

// Five findings per role (bench-0 .. bench-N/5), one in ten ARCHIVED.
findings::FindingRecord SeededFinding(size_t i) {
  findings::FindingRecord record;
  record.finding.id =
      base::Concat("00000000-0000-4000-8000-", std::string(12 - std::to_string(i).size(), '0'), i);
  record.finding.resource = RoleArn(i / 5);
  record.finding.resource_type = "AWS::IAM::Role";
  record.finding.resource_owner_account = kAccount;
  record.finding.principal = {{"AWS", base::Concat("9999888", 10000 + i % 90000)}};
  record.finding.actions = {"sts:AssumeRole"};
  record.finding.sources = {
      findings::FindingSource{findings::FindingSourceType::kPolicy, std::nullopt, std::nullopt}};
  record.status =
      i % 10 == 0 ? findings::FindingStatus::kArchived : findings::FindingStatus::kActive;
  record.created_at = record.analyzed_at = record.updated_at =
      bench::SeedTime() + absl::Milliseconds(static_cast<int64_t>(i));
  return record;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  size_t findings_count = 100000, previews = 200;
  for (int i = 1; i + 1 < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--findings") findings_count = std::stoul(argv[++i]);
    if (flag == "--previews") previews = std::stoul(argv[++i]);
  }
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path dir = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") /
                              base::Concat("perimeter-preview-bench-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int code = 0;
  {
    absl::StatusOr<std::unique_ptr<store::SqliteStore>> opened =
        store::SqliteStore::Open((dir / "perimeter.db").string());
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", std::string(opened.status().message()).c_str());
      return 1;
    }
    store::Store& store = **opened;
    auto seeded_at = std::chrono::steady_clock::now();
    if (absl::Status status =
            bench::SeedFindings(store, kAnalyzer, kAccount, kRegion, findings_count, SeededFinding);
        !status.ok()) {
      std::fprintf(stderr, "seed: %s\n", std::string(status.message()).c_str());
      return 1;
    }
    double seed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - seeded_at).count();
    // The previewed role, as imported: it trusts the account of its first seeded finding.
    std::string role = RoleArn(7);
    std::string record = base::Concat(
        R"({"kind":"resource","resourceArn":")", role,
        R"(","resourceOwnerAccount":"111122223333","configuration":{"iamRole":{"trustPolicy":)",
        Trust("999988810035"), "}}}\n");
    service::SplitInventory split =
        service::SplitInventoryFile("<bench>", record, absl::FromUnixSeconds(1714564800));
    if (absl::Status status = store.PutInventory(split.records); !status.ok()) return 1;
    std::shared_ptr<const service::ResourceCatalog> catalog =
        *service::InventoryCatalog::Load(store);
    auto environment = std::make_shared<service::Environment>();
    environment->accounts = {{kAccount, "Bench", {}, ""}};
    std::shared_ptr<const service::Environment> env = environment;
    base::SystemClock clock;
    api::AccessAnalyzerService service(
        store, [&] { return env; }, [&] { return catalog; }, clock, [](service::ScanJob) {});
    api::Caller caller{kAccount, "arn:aws:iam::111122223333:user/bench", kRegion};

    std::vector<double> create_ms, sequence_ms;
    for (size_t i = 0; i < previews; ++i) {
      auto started = std::chrono::steady_clock::now();
      std::string body = base::Concat(R"({"analyzerArn":")", kAnalyzer, R"(","configurations":{")",
                                      role, R"(":{"iamRole":{"trustPolicy":)",
                                      Trust(base::Concat("4444555", 10000 + i)), "}}}}");
      api::ApiResponse created =
          service.Handle(caller, api::RestRequest{"CreateAccessPreview", {}, {}, body});
      auto after_create = std::chrono::steady_clock::now();
      json::ParseResult parsed = json::Parse(created.body);
      if (created.status != 200 || !parsed.ok()) {
        std::fprintf(stderr, "CreateAccessPreview: %d %s\n", created.status, created.body.c_str());
        code = 1;
        break;
      }
      std::string id(parsed.document.root().Find("id")->text());
      api::ApiResponse got = service.Handle(
          caller,
          api::RestRequest{
              "GetAccessPreview", {{"accessPreviewId", id}}, {{"analyzerArn", kAnalyzer}}, ""});
      api::ApiResponse listed = service.Handle(
          caller, api::RestRequest{"ListAccessPreviewFindings",
                                   {{"accessPreviewId", id}},
                                   {},
                                   base::Concat(R"({"analyzerArn":")", kAnalyzer, R"("})")});
      auto done = std::chrono::steady_clock::now();
      if (got.status != 200 || listed.status != 200 ||
          listed.body.find("\"changeType\":\"NEW\"") == std::string::npos) {
        std::fprintf(stderr, "preview %s: %d %d %s\n", id.c_str(), got.status, listed.status,
                     listed.body.c_str());
        code = 1;
        break;
      }
      create_ms.push_back(
          std::chrono::duration<double, std::milli>(after_create - started).count());
      sequence_ms.push_back(std::chrono::duration<double, std::milli>(done - started).count());
    }
    std::printf("access_preview_benchmark: %zu findings stored (seeded in %.1f s), %zu previews\n",
                findings_count, seed_seconds, create_ms.size());
    std::printf("  CreateAccessPreview: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                Percentile(create_ms, 0.5), Percentile(create_ms, 0.99),
                Percentile(create_ms, 1.0));
    std::printf("  create + get + list findings: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                Percentile(sequence_ms, 0.5), Percentile(sequence_ms, 0.99),
                Percentile(sequence_ms, 1.0));
  }
  std::filesystem::remove_all(dir);
  return code;
}
