import ArgumentParser

// The admin CLI; each subcommand lives in its own file.
Holdfast.main()
