// The engine on a whole generated organization: every resource of an inventory file
// (perimeter-gen-corpus
// --format inventory) analyzed with resources::AnalyzeResource on N threads. Prints total time,
// per-resource latency percentiles, peak RSS, findings, and the shares of resources the
// finite-domain engine decided, the Z3 oracle decided after the engine could not, and neither did
// (error findings: undecided, reported, never passed).
//
//   engine_benchmark FILE [THREADS]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"

int main(int argc, char** argv) {
  using namespace perimeter;
  if (argc < 2) {
    std::cerr << "usage: engine_benchmark INVENTORY [THREADS]\n";
    return 2;
  }
  unsigned threads =
      argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : std::thread::hardware_concurrency();
  std::ifstream in(argv[1]);
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto read_start = std::chrono::steady_clock::now();
  resources::Inventory inventory = resources::ReadInventory(argv[1], buffer.str());
  double read_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - read_start).count();
  if (inventory.organizations.empty()) {
    std::cerr << "the inventory has no organization record\n";
    return 2;
  }
  const reasoning::Organization& organization = inventory.organizations.front().organization;
  size_t count = inventory.resources.size();
  std::vector<double> latencies(count);
  std::vector<size_t> findings(count), errors(count), by_oracle(count);
  std::atomic<size_t> next{0};
  auto start = std::chrono::steady_clock::now();
  auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      const resources::Resource& resource = inventory.resources[i];
      auto t0 = std::chrono::steady_clock::now();
      resources::ResourceAnalysis analysis = resources::AnalyzeResource(
          resource, inventory.FindAccount(resource.owner_account),
          reasoning::ZoneOfTrust::ForAccount(resource.owner_account, organization));
      latencies[i] =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      for (const findings::Finding& f : analysis.findings)
        (f.error.has_value() ? errors[i] : findings[i])++;
      by_oracle[i] = analysis.policies_decided_by_oracle;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> sorted = latencies;
  std::sort(sorted.begin(), sorted.end());
  auto percentile = [&](double p) {
    return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, size_t(p * sorted.size()))];
  };
  size_t total_findings = 0, undecided = 0, oracle = 0;
  for (size_t i = 0; i < count; ++i) {
    total_findings += findings[i];
    if (errors[i] > 0) ++undecided;
    if (errors[i] == 0 && by_oracle[i] > 0) ++oracle;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("resources              %zu (read in %.2f s, %zu input issues)\n", count,
              read_seconds, inventory.issues.size());
  std::printf("threads                %u\n", threads);
  std::printf("total analysis time    %.2f s  (%.0f resources/s)\n", total, count / total);
  std::printf("per resource           p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", percentile(0.50),
              percentile(0.99), sorted.empty() ? 0.0 : sorted.back());
  std::printf("findings               %zu\n", total_findings);
  if (count > 0) {
    size_t slowest =
        size_t(std::max_element(latencies.begin(), latencies.end()) - latencies.begin());
    std::printf("slowest resource       %s (%.1f ms)\n", inventory.resources[slowest].arn.c_str(),
                latencies[slowest]);
  }
  auto share = [&](size_t n) { return count == 0 ? 0.0 : 100.0 * double(n) / double(count); };
  std::printf("decided by fast path   %.2f %%\n", share(count - undecided - oracle));
  std::printf("decided by Z3 oracle   %.2f %%  (%zu resources)\n", share(oracle), oracle);
  std::printf("undecided              %.2f %%  (%zu resources, reported as error findings)\n",
              share(undecided), undecided);
  std::printf("peak RSS               %.1f MiB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
