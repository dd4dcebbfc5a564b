# Debian packages with CPack (included from the top CMakeLists.txt; run by
# scripts/package.sh). One package per install component:
#   libnodenet0     runtime: libnodenet.so.0 (the SONAME's package name)
#   libnodenet-dev  dev: headers, libnodenet.a, libnodenet.so, pkg-config,
#                   CMake package, man3 pages
#   nodenet         tool: the nodenet command and nodenet(1)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nodenet)
set(CPACK_PACKAGE_VENDOR nodenet)
set(CPACK_PACKAGE_CONTACT "nodenet maintainers <nodenet@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Node's net module as a C library on libuv")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev tool)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_STRIP_FILES ON)
# shlibs + the ldconfig trigger for the runtime package
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

set(_nnet_pkgver "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libnodenet${NNET_VERSION_MAJOR})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# ldconfig runs after the library is unpacked (Debian policy 8.1.1)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/cmake/deb/triggers)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "libc6, libuv1 (>= 1.44)")
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "Node's net module as a C library on libuv (shared library)\nTCP and Unix-socket servers and clients with Node's events,\nbackpressure, half-open streams, idle timeouts, BlockList and\nSocketAddress, with Node's exact behaviour.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libnodenet-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libnodenet${NNET_VERSION_MAJOR} (= ${_nnet_pkgver}), libuv1-dev (>= 1.44)")
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "Node's net module as a C library on libuv (development files)\nHeaders, static library, pkg-config file, CMake package\n(find_package(nodenet)) and one man page per function.")

set(CPACK_DEBIAN_TOOL_PACKAGE_NAME nodenet)
set(CPACK_DEBIAN_TOOL_PACKAGE_SECTION net)
set(CPACK_DEBIAN_TOOL_PACKAGE_DEPENDS "libc6, libuv1 (>= 1.44)")
set(CPACK_COMPONENT_TOOL_DESCRIPTION
  "netcat built on nodenet, Node's net module in C\nconnect, listen, echo, isip and blocklist subcommands.")

include(CPack)
