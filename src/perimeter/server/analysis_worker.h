// The background analysis: one thread that runs scan jobs (a new analyzer, an imported resource, a
// StartResourceScan) as soon as they are scheduled, and a full re-analysis every `period`. Jobs are
// de-duplicated while queued. Failures are logged and do not stop the worker.
#ifndef PERIMETER_SERVER_ANALYSIS_WORKER_H_
#define PERIMETER_SERVER_ANALYSIS_WORKER_H_

#include <condition_variable>
#include <deque>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/time/time.h"
#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/service/continuous_analysis.h"

namespace perimeter::server {

class AnalysisWorker {
 public:
  AnalysisWorker(service::ContinuousAnalysis& analysis, absl::Duration period, std::ostream& log)
      : analysis_(analysis), period_(period), log_(log) {}
  ~AnalysisWorker() { Stop(); }

  // Queues a job. An empty analyzer_arn with a resource means "every analyzer that sees it"; both
  // empty means a full scan, or with principal_families every internal- and unused-access
  // analyzer.
  void Schedule(service::ScanJob job);
  void Start();
  void Stop();
  // Blocks until the queue is empty and no job runs (tests, imports that promise visibility).
  void WaitIdle();

 private:
  void Loop();

  service::ContinuousAnalysis& analysis_;
  absl::Duration period_;
  std::ostream& log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<service::ScanJob> queue_;
  std::set<std::tuple<std::string, std::string, bool>> queued_;
  bool running_job_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_ANALYSIS_WORKER_H_
