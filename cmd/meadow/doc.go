// Command meadow is the one binary of the network: coordinators, home nodes,
// buyers, operators, verification and the local development network are its
// subcommands.
package main
