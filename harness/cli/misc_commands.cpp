// validate, list, report: the small commands.
#include <array>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "corpus.hpp"
#include "output.hpp"
#include "runner/checks.hpp"
#include "runner/implementations.hpp"
#include "runner/stack.hpp"
#include "scenario/names.hpp"
#include "stutter_reports/report.hpp"

namespace stutter::cli {

int validate_command(const std::vector<std::string>& files) {
  bool ok = true;
  auto loaded = load_corpus(files, ok);
  std::cout << loaded.size() << " valid scenario files\n";
  return ok ? exit_pass : exit_bad_input;
}

namespace {

// "line, length (client, server); tls (server)": the layers it implements, by the ends.
std::string layers_of(const runner::implementation& impl) {
  std::string out;
  const std::array<const char*, 4> ends{"", "client", "server", "client, server"};
  std::uint8_t last = 0;
  std::string group;
  auto flush = [&] {
    if (group.empty()) return;
    out += (out.empty() ? "" : "; ") + group + " (" + ends[last] + ")";
    group.clear();
  };
  for (std::size_t l = 0; l < impl.roles.size(); ++l) {
    const std::uint8_t r = impl.roles[l];
    if (r == 0) continue;
    if (r != last) flush();
    last = r;
    group += (group.empty() ? "" : ", ") + std::string(scenario::to_string(static_cast<scenario::layer>(l)));
  }
  flush();
  return out;
}

}  // namespace

int list_command(const std::vector<std::string>& load) {
  for (const auto& spec : load) {
    if (std::string why = check_implementation(spec); !why.empty()) {
      std::cerr << "stutter list: --implementation " << spec << ": " << why << "\n";
      return exit_bad_input;
    }
  }
  std::cout << "stacks (layers, bottom to top; framing layers are phases used in turn):\n";
  for (auto name : scenario::all_layer_names()) std::cout << "  " << name << "\n";
  std::cout << "implementations (--implementation NAME, or a scenario's \"peer\"):\n";
  for (const runner::implementation* i : runner::all_implementations()) {
    std::cout << "  " << i->name;
    if (i->identity) std::cout << "  [" << i->identity->name << " " << i->identity->version << ", sha256 " << i->identity->sha256.substr(0, 16) << "...]";
    std::cout << "\n      " << layers_of(*i) << (i->replayable ? "" : "; not replayable") << "\n";
    if (!i->description.empty()) std::cout << "      " << i->description << "\n";
  }
  std::cout << "fault kinds:\n";
  for (auto name : scenario::all_fault_kind_names()) std::cout << "  " << name << "\n";
  std::cout << "invariants:\n";
  for (const char* id : {"bytes.exact", "framing.records", "chunking.invariance", "handover.exact",
                         "handover.no_overread", "buffer.bounded", "retry.same_buffer", "status.meaning",
                         "liveness.progress", "reneg.complete", "close.orderly", "ws.rfc6455.*", "determinism.trace",
                         "contract.result", "contract.sticky_error", "contract.reentrant"}) {
    std::cout << "  " << id << "\n";
  }
  std::cout << "verdicts:\n";
  for (auto name : scenario::all_verdict_names()) std::cout << "  " << name << "\n";
  return exit_pass;
}

int report_command(const report_options& o) {
  std::vector<nlohmann::json> docs;
  reports::report_options options;
  try {
    for (const auto& f : o.results) {
      docs.push_back(reports::read_results_file(f));
      options.document_names.push_back(f);
    }
    if (!o.merged_json.empty()) {
      if (!write_file(o.merged_json, reports::merge_results(docs, options).dump(1) + "\n")) return exit_bad_input;
    }
    auto stats = reports::render_report(docs, o.out_dir, options);
    std::cout << "report: " << (std::filesystem::path(o.out_dir) / "index.html").generic_string() << " (" << stats.runs
              << " runs, " << stats.pages << " run pages)\n";
  } catch (const reports::report_error& e) {
    std::cerr << "stutter report: " << e.what() << "\n";
    return exit_bad_input;
  }
  return exit_pass;
}

}  // namespace stutter::cli
