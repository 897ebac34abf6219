using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using WebhookConsole.Engine.Assistants;
using WebhookConsole.Engine.Events;
using WebhookConsole.Engine.Sessions;
using WebhookConsole.Engine.Subscriptions;

namespace WebhookConsole.Engine.Actions;

/// <summary>A request as shown (secrets masked), the variables it used, and whatever stops it from being sent.</summary>
public sealed record ActionPreview(
    PreparedRequest Request, JsonObject VariablesUsed, IReadOnlyDictionary<string, string[]> ArgumentErrors)
{
    /// <summary>Whether invoking would send it.</summary>
    public bool CanSend => Request.CanSend && ArgumentErrors.Count == 0;
}

/// <summary>What invoking an action did. When <see cref="Refused"/> is not empty nothing was sent.</summary>
public sealed record InvokeResult(
    PreparedRequest Request, JsonObject VariablesUsed, IReadOnlyDictionary<string, string[]> Refused, CallOutcome? Outcome,
    string? Directive, JsonObject? ClientDataMerged, SessionLogEntry LogEntry);

/// <summary>Previews and invokes assistants' webhook actions; every invocation is written to the session log.</summary>
public sealed partial class ActionRunner(
    ActionService actions, SessionService sessions, AssistantService assistants, ActionCallSender sender,
    DestinationPolicy destinations, EventPublisher publisher, Telemetry.EngineMetrics metrics, TimeProvider time,
    ILogger<ActionRunner> logger)
{
    /// <summary>The request as it would be sent for <paramref name="session"/> (or none), with sample data added; sends nothing.</summary>
    public async Task<ActionPreview> PreviewAsync(AssistantAction action, AssistantSession? session, JsonObject? arguments,
        JsonObject? clientData = null, IReadOnlyList<string>? images = null, CancellationToken ct = default)
    {
        var merged = session?.ClientDataObject() ?? [];
        if (clientData is not null)
            ClientDataMerge.Apply(merged, clientData);
        var companyId = session is null ? await assistants.GetCompanyIdAsync(ct) : session.CompanyId;
        var variables = ActionVariables.For(session?.Id, companyId, action.AssistantId, merged, arguments ?? [], images ?? session?.Images ?? []);
        var shown = Shown(action, variables);
        return new ActionPreview(shown, ActionVariables.Shown(variables, shown.Used), await ArgumentErrorsAsync(action, arguments ?? []));
    }

    /// <summary>Validates the arguments, substitutes, sends, merges a returned <c>session.client_data</c> and logs the call.</summary>
    public async Task<InvokeResult> InvokeAsync(AssistantSession session, AssistantAction action, JsonObject? arguments, CancellationToken ct = default)
    {
        if (session.AssistantId != action.AssistantId)
            throw new InvalidInputException("The action was not invoked", new Dictionary<string, string[]>
            {
                ["actionId"] = [$"Action '{action.Name}' belongs to assistant {action.AssistantId}, but session {session.Id} is a conversation with assistant {session.AssistantId}."],
            });
        var at = time.GetUtcNow();
        var variables = ActionVariables.For(session.Id, session.CompanyId, session.AssistantId, session.ClientDataObject(), arguments ?? [], session.Images);
        var shown = Shown(action, variables);
        var used = ActionVariables.Shown(variables, shown.Used);

        var refused = new Dictionary<string, string[]>(await ArgumentErrorsAsync(action, arguments ?? []));
        string? refusal = refused.Count > 0 ? "The arguments do not match the trigger's parameters, so nothing was sent: " : null;
        var wire = ActionRequestBuilder.Build(action.Method, action.Url, actions.PlainHeaders(action), action.Body, variables);
        if (refusal is null && !wire.CanSend)
        {
            refused = new(shown.Problems);
            refusal = "Nothing was sent: ";
        }
        if (refusal is null && destinations.CheckUrl(wire.Url) is { } urlProblem)
        {
            refused["url"] = [urlProblem];
            refusal = "Nothing was sent: ";
        }
        if (refusal is not null)
        {
            var error = refusal + string.Join(" ", refused.SelectMany(e => e.Value));
            var entry = await LogAsync(session, action, shown, used, at, null, null, error);
            LogRefused(logger, action.Id, session.Id);
            metrics.ActionCalled("refused", null);
            return new InvokeResult(shown, used, refused, null, null, null, entry);
        }

        var outcome = await sender.SendAsync(wire, TimeSpan.FromSeconds(action.TimeoutSeconds), ct);
        var (clientData, mergeProblem) = outcome.Succeeded ? await MergeAsync(session, outcome.ResponseBody, ct) : (null, null);
        var logged = await LogAsync(session, action, shown, used, at, outcome, clientData,
            outcome.Error ?? mergeProblem);
        LogCalled(logger, action.Id, session.Id, outcome.StatusCode, outcome.DurationMs);
        metrics.ActionCalled(outcome.Succeeded ? "succeeded" : "failed", outcome.StatusCode);
        return new InvokeResult(shown, used, refused, outcome, action.InterpretResponse ? action.ResponseDirective : null, clientData, logged);
    }

    // What may be shown: secrets masked, but the problems are those of the real request (a masked value is never checked).
    // Only a JSON body problem quotes text ("Near: …"), so that one is taken from the masked request.
    private PreparedRequest Shown(AssistantAction action, VariableSet variables)
    {
        var headers = actions.PlainHeaders(action);
        var wire = ActionRequestBuilder.Build(action.Method, action.Url, headers, action.Body, variables);
        var shown = ActionRequestBuilder.BuildShown(action.Method, action.Url, headers, action.Body, variables);
        var problems = wire.Problems.ToDictionary(p => p.Key,
            p => p.Key != "body" ? p.Value
                : shown.Problems.TryGetValue("body", out var masked) ? masked
                : p.Value.Select(m => m.Split(" Near: ")[0]).ToArray());
        return shown with { Problems = problems };
    }

    private static async Task<IReadOnlyDictionary<string, string[]>> ArgumentErrorsAsync(AssistantAction action, JsonObject arguments)
    {
        var (schema, problem) = await TriggerSchema.ParseAsync(action.TriggerParameters);
        if (schema is null)
            return new Dictionary<string, string[]> { ["trigger.parameters"] = [problem!] };
        return TriggerSchema.Validate(schema, arguments);
    }

    // Seed 001: "Values in session.client_data are automatically merged into the session"; the merge is a VARIABLE_UPDATE (seed 003).
    private async Task<(JsonObject? ClientData, string? Problem)> MergeAsync(AssistantSession session, string? body, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body) || JsonSyntax.Problem(body) is not null
            || JsonNode.Parse(body) is not JsonObject { } root || root["session"]?["client_data"] is not JsonObject clientData)
            return (null, null);
        clientData = clientData.DeepClone().AsObject();
        try
        {
            var updated = await sessions.UpdateAsync(session.Id, clientData, null, ct);
            if (updated is { Changed.Count: > 0 } u)
                await PublishVariableUpdateAsync(session, u.Changed, ct);
            return (clientData, null);
        }
        catch (InvalidInputException e)
        {
            return (null, "The response's session.client_data was not merged: " + string.Join(" ", e.Errors.SelectMany(x => x.Value)));
        }
    }

    private async Task PublishVariableUpdateAsync(AssistantSession session, JsonObject changed, CancellationToken ct)
    {
        var data = new JsonObject
        {
            ["type"] = "VARIABLE_UPDATE",
            ["botId"] = session.AssistantId.ToString(),
            ["sessionId"] = session.Id.ToString(),
            ["variables"] = changed.DeepClone(),
        };
        try
        {
            await publisher.PublishAsync("VARIABLE_UPDATE", data, ct: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPublishFailed(logger, e, session.Id); // the call itself succeeded; a failed fan-out must not undo it
        }
    }

    private async Task<SessionLogEntry> LogAsync(AssistantSession session, AssistantAction action, PreparedRequest shown, JsonObject used,
        DateTimeOffset at, CallOutcome? outcome, JsonObject? clientData, string? error) =>
        await sessions.AddLogEntryAsync(new SessionLogEntry
        {
            SessionId = session.Id,
            ActionId = action.Id,
            ActionName = action.Name,
            At = at,
            Method = shown.Method,
            Url = shown.Url,
            RequestHeaders = JsonSerializer.Serialize(shown.Headers.GroupBy(h => h.Key).ToDictionary(g => g.Key, g => string.Join(", ", g.Select(h => h.Value)))),
            RequestBody = shown.Body,
            Sent = outcome is not null,
            StatusCode = outcome?.StatusCode,
            ResponseBody = outcome?.ResponseBody,
            VariablesUsed = used.ToJsonString(),
            ClientDataMerged = clientData?.ToJsonString(),
            DurationMs = outcome?.DurationMs ?? 0,
            Error = error,
        });

    [LoggerMessage(LogLevel.Information, "Action {ActionId} called for session {SessionId}: status {StatusCode} in {DurationMs} ms")]
    private static partial void LogCalled(ILogger logger, Guid actionId, Guid sessionId, int? statusCode, int durationMs);

    [LoggerMessage(LogLevel.Information, "Action {ActionId} for session {SessionId} was not sent (refused input)")]
    private static partial void LogRefused(ILogger logger, Guid actionId, Guid sessionId);

    [LoggerMessage(LogLevel.Warning, "The VARIABLE_UPDATE event of session {SessionId} could not be published")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, Guid sessionId);
}
