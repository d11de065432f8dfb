/* A plug-in built against a plug-in ABI this stutter does not speak (version 99). */
#include "stutter/plugin.h"

static const stutter_plugin descriptor = {99u, sizeof(stutter_plugin), "wrong-abi", "0", "abi_version 99",
                                          {STUTTER_ROLE_CLIENT, 0, 0, 0, 0}, 0, NULL, NULL};

STUTTER_PLUGIN_EXPORT const stutter_plugin *stutter_plugin_entry(uint32_t host_abi) {
  (void)host_abi;
  return &descriptor;
}
