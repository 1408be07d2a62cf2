# aoo-node-plugin.tcl: a Pd GUI plugin (Pd 0.51+) that starts the aoo-node engine.
#
# While they have no engine, aoo.send~ and aoo.receive~ send
#     [; pd plugin-dispatch aoo-node-start <control-port>(
# and this runs `node <this folder>/engine/aoo-node.mjs engine --control-port <control-port>` in
# the background, its output appended to aoo-node-engine.log in the temporary folder. A second
# engine on a port that one already serves exits at once, so starting twice is harmless.
# Pd loads this file when it starts, if this folder is on its search path (Preferences > Path).

namespace eval ::aoo_node {
    variable folder $::current_plugin_loadpath
    # Where node is looked for after the PATH (a macOS GUI app does not get the shell's PATH),
    # before ~/.nvm/versions/node/*/bin.
    variable node_dirs {/opt/homebrew/bin /usr/local/bin /usr/bin {C:/Program Files/nodejs}}
    # Control port -> [clock milliseconds] of the last attempt to start an engine for it.
    variable last_start
    array set last_start {}
    variable told_no_node 0
}

proc ::aoo_node::node_search_dirs {} {
    variable node_dirs
    set separator [expr {$::tcl_platform(platform) eq "windows" ? ";" : ":"}]
    set dirs {}
    if {[info exists ::env(PATH)]} {
        set dirs [split $::env(PATH) $separator]
    }
    lappend dirs {*}$node_dirs
    if {[info exists ::env(HOME)]} {
        set nvm [file join $::env(HOME) .nvm versions node]
        lappend dirs {*}[lsort -dictionary -decreasing [glob -nocomplain -type d -directory $nvm */bin]]
    }
    return $dirs
}

# The path of the first node executable in node_search_dirs, or "".
proc ::aoo_node::find_node {} {
    set exe [expr {$::tcl_platform(platform) eq "windows" ? "node.exe" : "node"}]
    foreach dir [node_search_dirs] {
        set candidate [file join $dir $exe]
        if {$dir ne "" && [file isfile $candidate] && [file executable $candidate]} {
            return $candidate
        }
    }
    return ""
}

proc ::aoo_node::temp_dir {} {
    foreach name {TMPDIR TEMP TMP} {
        if {[info exists ::env($name)] && [file isdirectory $::env($name)]} {
            return $::env($name)
        }
    }
    return [expr {$::tcl_platform(platform) eq "windows" ? "C:/Windows/Temp" : "/tmp"}]
}

# Pd passes the message after the receiver name as one list: {<control-port>}.
proc ::aoo_node::start {message} {
    variable folder
    variable last_start
    variable told_no_node
    set port [lindex $message 0]
    if {![string is integer -strict $port] || $port < 1 || $port > 65535} {
        ::pdwindow::error "aoo-node: aoo-node-start needs a control port (1-65535), got '$message'\n"
        return
    }
    set now [clock milliseconds]
    if {[info exists last_start($port)] && $now - $last_start($port) < 5000} {
        return
    }
    set last_start($port) $now

    set node [find_node]
    if {$node eq ""} {
        # Said once; later requests still look, so installing Node.js is enough.
        if {!$told_no_node} {
            set told_no_node 1
            ::pdwindow::error "aoo-node: cannot start the engine: Node.js (node) was not found.\
                Looked in: [join [node_search_dirs] {, }].\
                Install Node.js 18 or newer (https://nodejs.org, or Homebrew, or your package manager),\
                or start the engine yourself: node \"[file join $folder engine aoo-node.mjs]\" engine\n"
        }
        return
    }
    set script [file join $folder engine aoo-node.mjs]
    set log [file join [temp_dir] aoo-node-engine.log]
    if {[catch {exec $node $script engine --control-port $port >>& $log &} pid]} {
        ::pdwindow::error "aoo-node: could not run $node $script: $pid\n"
        return
    }
    ::pdwindow::post "aoo-node: started the engine for control port $port (pid $pid, $node); log: $log\n"
}

::pd_connect::register_plugin_dispatch_receiver aoo-node-start ::aoo_node::start
