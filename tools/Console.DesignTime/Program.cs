// Entry point only so that the build writes a runtimeconfig.json for `dotnet ef`; it is never run on its own.
return 0;
