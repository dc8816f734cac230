// The one-line form of a finding that the case files and the engine tests compare:
//
//   principal | actions | conditions | public-or-not [| sources]
//   AWS=999988887777 | sqs:ReceiveMessage sqs:SendMessage | aws:SourceVpce=vpce-1 | not-public
//   AWS=* | s3:GetObject | | public |
//   S3_ACCESS_POINT(arn:aws:s3:us-east-1:123456789012:accesspoint/ap;) ERROR <error reason>
//
// More than six actions are written as "N actions"; the sources part is written when `sources` is
// kShown and the finding has sources (the engine cases leave them out: there they are always
// POLICY).
#ifndef PERIMETER_TESTS_TESTING_FINDING_LINES_H_
#define PERIMETER_TESTS_TESTING_FINDING_LINES_H_

#include <string>
#include <vector>

#include "perimeter/findings/finding.h"

namespace perimeter_testing {

enum class Sources { kShown, kLeftOut };

std::string FindingLine(const perimeter::findings::Finding& finding, Sources sources);

// One line per finding, in the given order.
std::vector<std::string> FindingLines(const std::vector<perimeter::findings::Finding>& found,
                                      Sources sources);

}  // namespace perimeter_testing

#endif  // PERIMETER_TESTS_TESTING_FINDING_LINES_H_
