# lit configuration for memscope's plugin and end-to-end tests.
import os
import lit.formats

config.name = "memscope"

# The build writes lit.site.cfg.py with its paths; ctest passes it as a param.
if not hasattr(config, "memscope_obj_root"):
    site = lit_config.params.get("memscope_site_config")
    if not site:
        lit_config.fatal("run the tests through ctest, or pass "
                         "--param memscope_site_config=<build>/test/lit.site.cfg.py")
    lit_config.load_config(config, site)
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".cpp", ".ll", ".test"]
config.excludes = ["Inputs", "lib", "unit"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.memscope_obj_root, "test")

# Instrumented programs read MEMSCOPE_* from the environment; a developer's
# own settings must not leak into the tests.
for name in list(os.environ):
    if name.startswith("MEMSCOPE_"):
        del os.environ[name]
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])])

# End-to-end checks import test/lib/memreport.py.
config.environment["PYTHONPATH"] = os.path.join(config.test_source_root, "lib")

cxx = config.clangxx
plugin = config.memscope_plugin
inc = config.memscope_include
cxx_flags = f"-std=c++20 -I{inc} -I{config.test_source_root}/Inputs"
# A sanitizer build tree (MEMSCOPE_SANITIZE) compiles every test program
# with the sanitizer its runtime was built with.
sanitize_flags = getattr(config, "memscope_sanitize_flags", "")
if sanitize_flags:
    cxx_flags += " " + sanitize_flags
    config.available_features.add("sanitizer")
    config.available_features.add(config.memscope_sanitize)
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS",
                 "LSAN_OPTIONS"):
        if name in os.environ:
            config.environment[name] = os.environ[name]
config.substitutions.append(("%clangxx", cxx))
config.substitutions.append(("%plugin", plugin))
config.substitutions.append(("%cxxflags", cxx_flags))
# Compile with the plugin; link the runtime (static) the way a user does.
config.substitutions.append((
    "%memscope_cxx",
    f"{cxx} {cxx_flags} -fplugin={plugin}"))
config.substitutions.append((
    "%memscope_link",
    f"-L{config.memscope_lib_dir} -Wl,-Bstatic -lmemscope_rt -Wl,-Bdynamic -lpthread"
    + " " + getattr(config, "memscope_sanitize_link_flags", "")))
# The shared runtime, found at run time through the rpath.
config.substitutions.append((
    "%memscope_shared_link",
    f"-L{config.memscope_lib_dir} -lmemscope_rt -Wl,-rpath,{config.memscope_lib_dir} -lpthread"
    + " " + getattr(config, "memscope_sanitize_link_flags", "")))
config.substitutions.append((
    "%memscope_rt_so", os.path.join(config.memscope_lib_dir, "libmemscope_rt.so")))
# Allocators that the allocator-mode tests link before and after the runtime.
for _lib in ("jemalloc", "tcmalloc"):
    if os.path.exists(f"/usr/lib/x86_64-linux-gnu/lib{_lib}.so"):
        config.available_features.add(_lib)
# The IR pass on its own (test/pass): opt with memscope.so as a pass
# plugin, verifying what it instrumented.
config.substitutions.append((
    "%memscope_opt",
    f"opt -load-pass-plugin={plugin} -memscope-verify-ir"))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%report_py", os.path.join(config.test_source_root, "lib")))
config.substitutions.append(("%memscope_report", config.memscope_report))
config.substitutions.append(("%memscope_top", getattr(config, "memscope_top", "")))
