// A parsed XML answer of an AWS service (REST-XML: S3; query: IAM, SNS, SQS, STS, RDS; EC2), as a
// small element tree: enough for the collector to read list results and attributes. Read through
// expat (the one file that includes expat.h); namespaces are kept out of the names (AWS answers
// carry one default xmlns), attributes are ignored (the collector reads none), DTDs are refused.
#ifndef PERIMETER_COLLECT_XML_H_
#define PERIMETER_COLLECT_XML_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace perimeter::collect {

struct XmlElement {
  std::string name;  // the local name, without a prefix
  std::string text;  // the concatenated character data directly inside, entities decoded
  std::vector<std::unique_ptr<XmlElement>> children;

  // The first child named `name`; nullptr when none.
  const XmlElement* Child(std::string_view name) const;
  // Every child named `name`, in order.
  std::vector<const XmlElement*> Children(std::string_view name) const;
  // The element at a '/'-separated path of child names ("ListRolesResult/Marker"); nullptr when
  // some step is missing.
  const XmlElement* Find(std::string_view path) const;
  // Find(path)->text, or nullopt.
  std::optional<std::string> Text(std::string_view path) const;
};

// Parses `text`; DataLoss naming the line and the reason for malformed XML.
absl::StatusOr<std::unique_ptr<XmlElement>> ParseXml(std::string_view text);

}  // namespace perimeter::collect

#endif  // PERIMETER_COLLECT_XML_H_
