// Amazon EFS file systems (AWS::EFS::FileSystem): the file system policy (IAM
// User Guide, "IAM Access Analyzer resource types for external access: Amazon
// EFS file systems"). Network reachability of mount targets is not analyzed
// (neither does Access Analyzer). Actions: elasticfilesystem on "file-system".
#ifndef PERIMETER_RESOURCES_EFS_FILE_SYSTEM_H_
#define PERIMETER_RESOURCES_EFS_FILE_SYSTEM_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> EfsFileSystemTargets(const Resource &resource);

// Checks the shape of the `efsFileSystem` configuration member
// ({"fileSystemPolicy": policy}).
std::vector<base::Issue> CheckEfsFileSystemConfiguration(const json::Value &configuration,
                                                         const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeEfsFileSystem(const Resource &resource, const AccountSettings *account,
                                      const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_EFS_FILE_SYSTEM_H_
