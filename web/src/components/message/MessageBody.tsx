// A message body as formatted text: the tree of lib/markdown.ts rendered as elements and
// text nodes (never HTML). The parser is loaded by lib/markdown-loader.ts; until it is
// there (a moment, on the very first load) a body shows as plain text.
import { createMemo, For, type JSX, Match, Show, Switch } from "solid-js";
import { emojiForShortcode } from "../../lib/emoji.ts";
import type { Block, Inline } from "../../lib/markdown.ts";
import { markdown } from "../../lib/markdown-loader.ts";
import { useChat, useI18n } from "../../stores/context.tsx";
import { displayName } from "../../stores/people.ts";
import { CodeBlock } from "./CodeBlock.tsx";
import "./message.css";

export function MessageBody(props: { body: string }): JSX.Element {
  const tree = createMemo(() => markdown()?.parseMessage(props.body));
  return (
    <div class="message-body" dir="auto">
      <Show when={tree()} fallback={<p>{props.body}</p>}>
        {(blocks) => <Blocks blocks={blocks()} />}
      </Show>
    </div>
  );
}

function Blocks(props: { blocks: readonly Block[] }): JSX.Element {
  return <For each={props.blocks}>{(block) => <BlockView block={block} />}</For>;
}

function BlockView(props: { block: Block }): JSX.Element {
  return (
    <Switch>
      <Match when={props.block.kind === "paragraph" && props.block}>
        {(block) => (
          <p>
            <Inlines inlines={block().children} />
          </p>
        )}
      </Match>
      <Match when={props.block.kind === "code" && props.block}>
        {(block) => <CodeBlock text={block().text} lang={block().lang} />}
      </Match>
      <Match when={props.block.kind === "quote" && props.block}>
        {(block) => (
          <blockquote>
            <Blocks blocks={block().children} />
          </blockquote>
        )}
      </Match>
      <Match when={props.block.kind === "list" && props.block}>
        {(block) => {
          const items = () => (
            <For each={block().items}>
              {(item) => (
                <li>
                  <Blocks blocks={item} />
                </li>
              )}
            </For>
          );
          return block().ordered ? <ol start={block().start}>{items()}</ol> : <ul>{items()}</ul>;
        }}
      </Match>
    </Switch>
  );
}

function Inlines(props: { inlines: readonly Inline[] }): JSX.Element {
  return <For each={props.inlines}>{(inline) => <InlineView inline={inline} />}</For>;
}

function InlineView(props: { inline: Inline }): JSX.Element {
  const inline = props.inline;
  switch (inline.kind) {
    case "text":
      return inline.text;
    case "br":
      return <br />;
    case "code":
      return <code>{inline.text}</code>;
    case "strong":
      return (
        <strong>
          <Inlines inlines={inline.children} />
        </strong>
      );
    case "em":
      return (
        <em>
          <Inlines inlines={inline.children} />
        </em>
      );
    case "del":
      return (
        <del>
          <Inlines inlines={inline.children} />
        </del>
      );
    case "link":
      return (
        <a href={inline.href} target="_blank" rel="noopener noreferrer" title={inline.href}>
          <Inlines inlines={inline.children} />
        </a>
      );
    case "mention":
      return <Mention userId={inline.userId} />;
    case "shortcode":
      return <Shortcode name={inline.name} />;
  }
}

function Shortcode(props: { name: string }): JSX.Element {
  const emoji = () => emojiForShortcode(props.name);
  return (
    <Show when={emoji()} fallback={`:${props.name}:`}>
      {(unicode) => (
        <span class="emoji" role="img" aria-label={props.name.replace(/_/g, " ")} title={`:${props.name}:`}>
          {unicode()}
        </span>
      )}
    </Show>
  );
}

/** `<@id>` as `@Current Name` (a rename shows at once); mentions of me stand out. */
function Mention(props: { userId: number | "room" }): JSX.Element {
  const chat = useChat();
  const { t } = useI18n();
  const name = () => {
    if (props.userId === "room") return t("message.mentionRoom");
    const person = chat.people.get(props.userId);
    if (!person) chat.people.ensure([props.userId]);
    return person ? displayName(person) : t("message.mentionUnknown");
  };
  const mine = () => props.userId === "room" || props.userId === chat.me();
  return <span class="mention" classList={{ "mention-me": mine() }}>{`@${name()}`}</span>;
}
