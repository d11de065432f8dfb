#include "plugin/plugin_library.hpp"

#include <dlfcn.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <map>
#include <mutex>
#include <vector>

namespace stutter::plugin {
namespace {

std::string hex(const unsigned char* data, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

bool is_plugin_name(const char* s) {
  if (s == nullptr || *s == '\0') return false;
  std::size_t n = 0;
  for (const char* p = s; *p != '\0'; ++p, ++n) {
    const char c = *p;
    const bool lower_or_digit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!lower_or_digit && (p == s || (c != '_' && c != '.' && c != '-'))) return false;
  }
  return n <= 64;
}

// Checks everything the runner will call; returns what is wrong, or "".
std::string vet(const stutter_plugin& d) {
  if (d.abi_version != STUTTER_PLUGIN_ABI_VERSION) {
    return "it speaks plug-in ABI version " + std::to_string(d.abi_version) + "; this stutter speaks version " +
           std::to_string(STUTTER_PLUGIN_ABI_VERSION);
  }
  if (d.struct_size != sizeof(stutter_plugin)) {
    return "its stutter_plugin is " + std::to_string(d.struct_size) + " bytes, this build's is " +
           std::to_string(sizeof(stutter_plugin)) + " (built against another stutter/plugin.h)";
  }
  if (!is_plugin_name(d.name)) return "its name must match [a-z0-9][a-z0-9_.-]* (at most 64 bytes)";
  if (d.version == nullptr) return "it has no version string";
  bool any = false;
  for (int l = 0; l < STUTTER_LAYER_COUNT; ++l) {
    const std::uint32_t roles = d.roles[l];
    if (roles == 0) continue;
    any = true;
    if ((roles & ~(STUTTER_ROLE_CLIENT | STUTTER_ROLE_SERVER)) != 0) return "roles[" + std::to_string(l) + "] has unknown bits";
  }
  if (!any) return "it declares no layer (every roles[] entry is 0)";
  bool phases = false;
  for (int l = STUTTER_LAYER_LINE; l <= STUTTER_LAYER_WEBSOCKET; ++l) phases = phases || d.roles[l] != 0;
  if (phases) {
    const stutter_phase_ops* p = d.phase;
    if (p == nullptr) return "it declares a framing layer but no phase operations";
    if (p->struct_size != sizeof(stutter_phase_ops)) {
      return "its stutter_phase_ops is " + std::to_string(p->struct_size) + " bytes, this build's is " +
             std::to_string(sizeof(stutter_phase_ops));
    }
    if (!p->create || !p->destroy || !p->send || !p->receive || !p->close || !p->handover) {
      return "its phase operations lack one of create, destroy, send, receive, close, handover";
    }
    if (d.roles[STUTTER_LAYER_HTTP_UPGRADE] != 0 && !p->open) return "it declares http-upgrade but has no open";
    if (d.roles[STUTTER_LAYER_WEBSOCKET] != 0 && !p->ping) return "it declares websocket but has no ping";
  }
  if (d.roles[STUTTER_LAYER_TLS] != 0) {
    const stutter_transform_ops* t = d.transform;
    if (t == nullptr) return "it declares tls but no transform operations";
    if (t->struct_size != sizeof(stutter_transform_ops)) {
      return "its stutter_transform_ops is " + std::to_string(t->struct_size) + " bytes, this build's is " +
             std::to_string(sizeof(stutter_transform_ops));
    }
    if (!t->create || !t->destroy || !t->handshake || !t->read_some || !t->write_some || !t->shutdown_write) {
      return "its transform operations lack one of create, destroy, handshake, read_some, write_some, shutdown_write";
    }
  }
  return {};
}

}  // namespace

std::string sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw plugin_error(path + ": cannot read the file");
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> block(1 << 16);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    EVP_DigestUpdate(ctx.get(), block.data(), static_cast<std::size_t>(in.gcount()));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &n);
  return hex(digest.data(), n);
}

std::shared_ptr<const library> library::open(const std::string& path) {
  // One load per path per process: every run of a plug-in shares it.
  static std::mutex guard;
  static std::map<std::string, std::shared_ptr<const library>> loaded;
  std::lock_guard lock(guard);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second;

  const std::string sha256 = sha256_of_file(path);
  // A path without a slash would make dlopen search the library path instead of the file.
  const std::string target = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = dlopen(target.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw plugin_error(path + ": not a loadable shared object (" + std::string(why ? why : "dlopen failed") + ")");
  }
  std::shared_ptr<library> lib(new library());
  lib->handle_ = handle;
  lib->path_ = path;
  auto entry = reinterpret_cast<stutter_plugin_entry_fn>(dlsym(handle, STUTTER_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) {
    throw plugin_error(path + ": exports no " STUTTER_PLUGIN_ENTRY_SYMBOL " function (see stutter/plugin.h)");
  }
  const stutter_plugin* d = entry(STUTTER_PLUGIN_ABI_VERSION);
  if (d == nullptr) {
    throw plugin_error(path + ": " STUTTER_PLUGIN_ENTRY_SYMBOL " returned no descriptor for ABI version " +
                       std::to_string(STUTTER_PLUGIN_ABI_VERSION));
  }
  if (std::string why = vet(*d); !why.empty()) throw plugin_error(path + ": " + why);
  lib->descriptor_ = d;
  lib->identity_ = {d->name, d->version, sha256};
  loaded.emplace(path, lib);
  return lib;
}

library::~library() {
  if (handle_ != nullptr) dlclose(handle_);
}

bool library::implements(scenario::layer l, scenario::endpoint_id role) const {
  const std::uint32_t bit = role == scenario::endpoint_id::client ? STUTTER_ROLE_CLIENT : STUTTER_ROLE_SERVER;
  return (descriptor_->roles[static_cast<int>(l)] & bit) != 0;
}

}  // namespace stutter::plugin
