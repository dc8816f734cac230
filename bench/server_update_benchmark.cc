// The server's single-resource update and full re-scan with a large inventory stored (issue #20:
// one resource's policy change reflected in its findings in <= 10 ms p99 with 100k resources
// stored; a full re-scan of 100k in <= 3 s plus storage).
//
// In one process: a server over a fresh SQLite store (a temporary data directory, removed at the
// end), an ORGANIZATION analyzer of the corpus's management account, and the project's corpus
// (testing/corpus_generator.h, the same records as `perimeter-gen-corpus --count N --seed S
// --format inventory`) imported whole; the first scan runs to its end. Then:
//  - a full re-scan of every resource (the periodic scan), timed from its scheduling to the last
//    finding stored;
//  - U single-resource updates, each an import of one changed record (an S3 bucket's policy made
//    public, then the bucket's own record again), timed from the import request (Server::Import,
//    what POST /perimeter/import runs after verifying the signature) to the analysis of the
//    resource stored (the worker idle again). Each update is checked: the public bucket has an
//    ACTIVE public finding, which is RESOLVED once the record is put back.
// Prints wall times, p50/p99/max of the updates, CPU, peak RSS.
//
//   server_update_benchmark [--count N] [--seed S] [--updates U]
// Unknown flags are ignored (scripts/bench.sh passes Google Benchmark's to every benchmark).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "perimeter/base/clock.h"
#include "perimeter/base/text.h"
#include "perimeter/server/server.h"
#include "perimeter/service/inventory_catalog.h"
#include "perimeter/store/sqlite/sqlite_store.h"
#include "perimeter/testing/corpus_generator.h"

namespace {

using namespace perimeter;
using Clock = std::chrono::steady_clock;

constexpr char kAnalyzer[] = "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/org";

struct Options {
  size_t count = 100000;
  uint64_t seed = 1;
  size_t updates = 200;
};

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double Millis(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

std::string PublicBucket(const corpus::CorpusRecord& record) {
  std::string name = record.arn.substr(record.arn.rfind(':') + 1);
  return base::Concat(
      R"({"kind":"resource","resourceArn":")", record.arn,
      R"(","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":")", record.account,
      R"(","region":")", record.region,
      R"(","configuration":{"s3Bucket":{"bucketPolicy":"{\"Version\":\"2012-10-17\",)",
      R"(\"Statement\":[{\"Sid\":\"BenchPublic\",\"Effect\":\"Allow\",\"Principal\":\"*\",)",
      R"(\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::)", name, R"(/*\"}]}"}}})");
}

// The public finding of the bench's policy on `arn`: its status, or "" when there is none.
std::string PublicFindingStatus(store::Store& store, const std::string& arn) {
  absl::StatusOr<std::vector<findings::FindingRecord>> records =
      store.ListFindingsForResource(kAnalyzer, arn);
  if (!records.ok()) return "error: " + std::string(records.status().message());
  for (const findings::FindingRecord& record : *records) {
    const findings::Finding& finding = record.finding;
    auto principal = finding.principal.find("AWS");
    if (finding.is_public && principal != finding.principal.end() && principal->second == "*" &&
        finding.condition.empty() &&
        std::find(finding.actions.begin(), finding.actions.end(), "s3:GetObject") !=
            finding.actions.end())
      return std::string(findings::FindingStatusName(record.status));
  }
  return "";
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

int Run(const Options& options) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / base::Concat("perimeter-update-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto fail = [&](auto what) {
    std::cerr << "server_update_benchmark: " << what << "\n";
    std::filesystem::remove_all(dir);
    return 1;
  };

  corpus::CorpusOptions corpus_options;
  corpus_options.seed = options.seed;
  std::string text;
  for (const std::string& line : corpus::CorpusInventoryHeader(corpus_options)) text += line + "\n";
  std::vector<corpus::CorpusRecord> buckets;
  for (size_t i = 0; i < options.count; ++i) {
    corpus::CorpusRecord record = corpus::GenerateCorpusRecord(corpus_options, i);
    text += corpus::CorpusInventoryRecord(record) + "\n";
    if (record.type == resources::ResourceType::kS3Bucket && !record.region.empty() &&
        buckets.size() < 64)
      buckets.push_back(std::move(record));
  }
  if (buckets.empty()) return fail("no S3 bucket in the corpus");

  absl::StatusOr<std::unique_ptr<store::SqliteStore>> sqlite =
      store::SqliteStore::Open((dir / "perimeter.db").string());
  if (!sqlite.ok()) return fail(sqlite.status().message());
  store::Store* store = sqlite->get();
  store::Analyzer analyzer;
  analyzer.arn = kAnalyzer;
  analyzer.account_id = corpus_options.zone_account;
  analyzer.region = corpus_options.region;
  analyzer.name = "org";
  analyzer.type = store::AnalyzerType::kOrganization;
  if (absl::Status status = store->PutAnalyzer(analyzer); !status.ok())
    return fail(status.message());

  base::SystemClock clock;
  std::ostringstream log;
  server::ServerConfig config;
  config.port = 0;
  config.scan_at_start = false;
  config.periodic_scan = absl::Hours(24);
  absl::StatusOr<std::unique_ptr<server::Server>> created =
      server::Server::Create(std::move(config), std::move(*sqlite), clock, log);
  if (!created.ok()) return fail(created.status().message());
  server::Server& server = **created;
  if (absl::StatusOr<int> port = server.Bind(); !port.ok()) return fail(port.status().message());
  std::thread running([&server] { server.Run(); });
  auto stop = [&](auto what) {
    server.Stop();
    running.join();
    created->reset();
    return fail(what);
  };

  std::string load_average = "?";
  if (std::FILE* file = std::fopen("/proc/loadavg", "r")) {
    char buffer[64] = {};
    if (std::fgets(buffer, sizeof(buffer), file) != nullptr) load_average = buffer;
    std::fclose(file);
    load_average = load_average.substr(0, load_average.find(' ', load_average.find(' ') + 1));
  }
  std::printf(
      "server_update_benchmark: %zu resources (seed %llu), SQLite store, one ORGANIZATION "
      "analyzer; load average %s\n",
      options.count, static_cast<unsigned long long>(options.seed), load_average.c_str());
  double cpu = CpuSeconds();
  Clock::time_point start = Clock::now();
  absl::StatusOr<size_t> imported = server.Import("<corpus>", text);
  if (!imported.ok()) return stop(imported.status().message());
  Clock::time_point stored = Clock::now();
  server.WaitForAnalysis();
  Clock::time_point scanned = Clock::now();
  std::printf("import of %zu records:  %8.0f ms (stored, catalog loaded)\n", *imported,
              Millis(stored - start));
  std::printf("first scan:             %8.0f ms wall, CPU %.1f s (import included)\n",
              Millis(scanned - stored), CpuSeconds() - cpu);
  size_t findings =
      store->ListFindings(kAnalyzer).value_or(std::vector<findings::FindingRecord>{}).size();
  std::printf("findings stored:        %8zu\n", findings);
  if (!log.str().empty()) std::printf("server log:\n%s", log.str().c_str());

  cpu = CpuSeconds();
  start = Clock::now();
  server.ScheduleAnalysis(service::ScanJob{});
  server.WaitForAnalysis();
  std::printf(
      "full re-scan:           %8.0f ms wall, CPU %.1f s (nothing changed: findings read, "
      "compared, analyzer updated)\n",
      Millis(Clock::now() - start), CpuSeconds() - cpu);

  // What every import cost before imports were incremental: the whole catalog read again.
  start = Clock::now();
  if (!service::InventoryCatalog::Load(*store).ok()) return stop("catalog reload failed");
  std::printf(
      "catalog reload:         %8.0f ms (what each import cost before it was "
      "incremental)\n",
      Millis(Clock::now() - start));

  // The buckets whose own policy gives no finding like the bench's public one (it would stay ACTIVE
  // when the record is put back).
  std::vector<corpus::CorpusRecord> candidates;
  for (corpus::CorpusRecord& bucket : buckets) {
    if (PublicFindingStatus(*store, bucket.arn).empty()) candidates.push_back(std::move(bucket));
  }
  buckets = std::move(candidates);
  if (buckets.empty()) return stop("no bucket without a public finding");

  std::vector<double> latencies;
  cpu = CpuSeconds();
  Clock::time_point updates_start = Clock::now();
  for (size_t i = 0; i < options.updates; ++i) {
    const corpus::CorpusRecord& bucket = buckets[(i / 2) % buckets.size()];
    bool make_public = i % 2 == 0;
    std::string record = make_public ? PublicBucket(bucket) : corpus::CorpusInventoryRecord(bucket);
    Clock::time_point begin = Clock::now();
    absl::StatusOr<size_t> one = server.Import("<update>", record);
    if (!one.ok() || *one != 1) return stop("the update was not imported: " + log.str());
    server.WaitForAnalysis();
    latencies.push_back(Millis(Clock::now() - begin));
    std::string status = PublicFindingStatus(*store, bucket.arn);
    std::string expected = make_public ? "ACTIVE" : "RESOLVED";
    if (status != expected) {
      return stop(base::Concat("update ", i, " of ", bucket.arn, ": the public finding is '",
                               status, "', not ", expected));
    }
  }
  double updates_wall = Millis(Clock::now() - updates_start);
  std::printf(
      "single-resource updates: %zu (import request -> findings stored), p50 %.2f ms, "
      "p99 %.2f ms, max %.2f ms; CPU %.2f ms per update (checks included, %.0f ms wall "
      "in all)\n",
      latencies.size(), Percentile(latencies, 0.5), Percentile(latencies, 0.99),
      Percentile(latencies, 1.0), (CpuSeconds() - cpu) * 1000.0 / latencies.size(), updates_wall);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS:               %8.0f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  server.Stop();
  running.join();
  created->reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--count") {
      options.count = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--seed") {
      options.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--updates") {
      options.updates = std::strtoull(argv[++i], nullptr, 10);
    }
  }
  return Run(options);
}
