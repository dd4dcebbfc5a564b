# Reference documentation (included from the top CMakeLists.txt).
#
# - man pages: one section-3 page per public function, written by
#   scripts/apidoc.py from the headers' doc blocks at every build (fast, no
#   Doxygen needed), installed under share/man/man3;
# - `--target docs`: checks every public declaration is documented (and no
#   block names a missing parameter), then the man pages, then the Doxygen
#   HTML reference in BUILD/docs/html. Any Doxygen warning fails it.
find_package(Python3 COMPONENTS Interpreter)
set(NNET_DOCS_DIR ${CMAKE_BINARY_DIR}/docs)
set(NNET_APIDOC ${PROJECT_SOURCE_DIR}/scripts/apidoc.py)
file(GLOB_RECURSE NNET_PUBLIC_HEADERS CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/include/*.h)

if(NOT Python3_Interpreter_FOUND)
  message(STATUS "nodenet: python3 not found; no man pages, no docs target")
  return()
endif()

add_custom_command(OUTPUT ${NNET_DOCS_DIR}/man3.stamp
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${NNET_DOCS_DIR}/man/man3
  COMMAND ${Python3_EXECUTABLE} ${NNET_APIDOC} man ${PROJECT_SOURCE_DIR}/include
          ${NNET_DOCS_DIR}/man/man3 ${PROJECT_VERSION}
  COMMAND ${CMAKE_COMMAND} -E touch ${NNET_DOCS_DIR}/man3.stamp
  DEPENDS ${NNET_PUBLIC_HEADERS} ${NNET_APIDOC}
  COMMENT "man pages (section 3)" VERBATIM)
add_custom_target(manpages ALL DEPENDS ${NNET_DOCS_DIR}/man3.stamp)
install(DIRECTORY ${NNET_DOCS_DIR}/man/man3 DESTINATION ${CMAKE_INSTALL_MANDIR} OPTIONAL
  COMPONENT dev)

find_program(DOXYGEN_EXECUTABLE doxygen)
if(DOXYGEN_EXECUTABLE)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/Doxyfile.in
    ${NNET_DOCS_DIR}/Doxyfile @ONLY)
  add_custom_target(docs
    COMMAND ${Python3_EXECUTABLE} ${NNET_APIDOC} check ${PROJECT_SOURCE_DIR}/include
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${NNET_DOCS_DIR}/html
    COMMAND ${DOXYGEN_EXECUTABLE} ${NNET_DOCS_DIR}/Doxyfile
    COMMAND ${CMAKE_COMMAND} -E echo "docs: ${NNET_DOCS_DIR}/html/index.html, ${NNET_DOCS_DIR}/man/man3"
    DEPENDS manpages
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "reference: check doc blocks, man pages, Doxygen HTML" VERBATIM)
else()
  add_custom_target(docs
    COMMAND ${CMAKE_COMMAND} -E echo "docs: doxygen not installed (scripts/install-deps.sh)"
    COMMAND ${CMAKE_COMMAND} -E false)
endif()
